/**
 * Session analysis: which playbooks the session is about and how likely each candidate cause is.
 *
 * 1. Retrieval: BM25 over the playbooks with the problem, the logged steps and the technical words of
 *    any user-language phrase; error codes and exact messages found in the text lift the playbooks of
 *    the causes that list them above any word match.
 * 2. Evidence: each candidate cause starts from its prior (scaled by its playbook's retrieval score,
 *    how well the problem matches the cause's signs, codes, and the account's resolved cases), then
 *    every logged step is matched to the checks it describes and the outcome's effect is added in
 *    log-odds space. Softmax over the surviving causes gives confidences; decisive outcomes rule out.
 */
import { extractCodes, messageWords } from './codes.js';
import { type SeenBefore, similarCases } from './history-match.js';
import type { Check } from './knowledge.js';
import {
  ACTION_GENERIC,
  type KnowledgeIndex,
  normalise,
  type PreCause,
  type PreCheck,
  type PreFix,
  rarity,
} from './knowledge-index.js';
import { ENGINE_PARAMS } from './params.js';
import type { EngineSession, EngineTimelineEntry, StepOutcome } from './session.js';
import { stepChangesSomething } from './step-kind.js';
import { findPhrases, type PhraseHit, tokenize } from './text.js';

export interface LoggedStep {
  entry: EngineTimelineEntry;
  index: number;
  text: string;
  tokens: Set<string>;
  /** Normalised token strings of text+detail and of the text alone (for exact-repeat detection). */
  norm: string;
  normText: string;
  /** Tokens that are not generic action words (for action-overlap matching). */
  specific: string[];
  /**
   * The same for what was done (the step's text without its result detail): "Restarted the DNS
   * service" is the same action whatever the detail says happened next.
   */
  doneTokens: Set<string>;
  doneSpecific: string[];
  outcome: StepOutcome;
  /** The step changed something (its outcome means "it helped" or "it did not help"). */
  changes: boolean;
}

export interface Observation {
  step: LoggedStep;
  check: PreCheck;
  strength: number;
  delta: number;
  /** The step changed what this (looking) check tests, so its outcome was read as "helped or not". */
  intervention: boolean;
}

/** A logged change that applied one of the cause's fixes: worked supports it, failed weakens it. */
export interface FixAttempt {
  step: LoggedStep;
  fix: PreFix;
  delta: number;
}

/** A code or exact message of a cause found in the problem (step = null) or in a logged step. */
export interface CodeFinding {
  code: string;
  step: LoggedStep | null;
}

export type { SeenBefore };

export interface CauseState {
  pc: PreCause;
  playbookRel: number;
  base: number;
  signHits: string[];
  codeHits: CodeFinding[];
  /** Logged findings that describe one of the cause's typical signs ("MFA required" in the sign-in log). */
  signFindings: Array<{ step: LoggedStep; sign: string }>;
  seenBefore: SeenBefore[];
  observations: Observation[];
  fixAttempts: FixAttempt[];
  support: number;
  logit: number;
  confidence: number;
  ruledOutBy: Observation | null;
}

export interface RankedPlaybook {
  id: string;
  title: string;
  score: number;
}

export interface SessionAnalysis {
  ix: KnowledgeIndex;
  session: EngineSession;
  playbooks: RankedPlaybook[];
  /** Surviving candidate causes, most likely first (confidences sum to 1). */
  causes: CauseState[];
  ruledOut: CauseState[];
  steps: LoggedStep[];
  /** Keys of checks any logged step already performed. */
  tried: Set<string>;
  /** Share (0..1) of the problem's known words, weighted by rarity, that the top playbook matches. */
  coverage: number;
  /** The same share for each candidate playbook (by playbook index). */
  playbookCoverage: Map<number, number>;
  /** True when a code or exact message in the session maps to a candidate cause. */
  codeMatched: boolean;
  /** Resolved cases of the account that look like this session, most similar first. */
  seenBefore: SeenBefore[];
  phrases: PhraseHit[];
}

export function clip(text: string, max = 90): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * What the engine reads of a session's log: its latest steps and notes, and the start of each one's
 * text. Its cost grows with what it reads (every step against every candidate check), and a session
 * may hold any number of steps with 5,000-character details: bounded here, an assessment costs the
 * same few milliseconds for a 1,000-step session as for a 100-step one, and one tenant cannot hold
 * the server's event loop for seconds per request.
 */
export const ENGINE_READS = { steps: 100, stepChars: 800, problemChars: 5_000 } as const;

function stepText(e: EngineTimelineEntry): string {
  const text = e.detail ? `${e.text} ${e.detail}` : e.text;
  return text.length > ENGINE_READS.stepChars ? text.slice(0, ENGINE_READS.stepChars) : text;
}

function loggedSteps(s: EngineSession): LoggedStep[] {
  const out: LoggedStep[] = [];
  let from = s.timeline.length;
  for (let seen = 0; from > 0 && seen < ENGINE_READS.steps; ) {
    const kind = s.timeline[--from]!.kind;
    if (kind === 'step' || kind === 'note') seen++;
  }
  s.timeline.forEach((entry, index) => {
    if (index < from || (entry.kind !== 'step' && entry.kind !== 'note')) return;
    const text = stepText(entry);
    const toks = tokenize(text);
    const tokens = new Set(toks);
    const norm = toks.join(' ');
    const doneTokens = entry.detail ? new Set(tokenize(entry.text)) : tokens;
    out.push({
      entry,
      index,
      text,
      tokens,
      norm,
      normText: entry.detail ? normalise(entry.text) : norm,
      specific: [...tokens].filter((t) => !ACTION_GENERIC.has(t)),
      doneTokens,
      doneSpecific: [...doneTokens].filter((t) => !ACTION_GENERIC.has(t)),
      outcome: entry.outcome ?? 'info',
      changes: stepChangesSomething(entry.text),
    });
  });
  return out;
}

export function addTerms(q: Map<string, number>, tokens: string[], weight: number, cap: number): void {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [t, c] of counts) q.set(t, (q.get(t) ?? 0) + weight * Math.min(c, cap));
}

/** Codes and exact messages of the base found in a text, as cause index -> the code as the base writes it. */
export interface CodeHit {
  code: string;
  /** 1 when only this cause lists the code; 1/k when k causes share it (a shared code tells less). */
  specificity: number;
}

const messageIndexCache = new WeakMap<KnowledgeIndex, Map<string, KnowledgeIndex['messages']>>();
function messagesByFirstWord(ix: KnowledgeIndex): Map<string, KnowledgeIndex['messages']> {
  let map = messageIndexCache.get(ix);
  if (!map) {
    map = new Map();
    for (const m of ix.messages) {
      const first = m.words[0];
      if (first === undefined) continue;
      const list = map.get(first);
      if (list) list.push(m);
      else map.set(first, [m]);
    }
    messageIndexCache.set(ix, map);
  }
  return map;
}

export function codesIn(ix: KnowledgeIndex, text: string): Map<number, CodeHit> {
  const hits = new Map<number, CodeHit>();
  const add = (causes: number[], code: string) => {
    for (const ci of causes) {
      const specificity = 1 / causes.length;
      const prev = hits.get(ci);
      if (!prev || prev.specificity < specificity) hits.set(ci, { code, specificity });
    }
  };
  for (const k of extractCodes(text)) {
    const causes = ix.codes.get(k.key);
    // A bare number ("4740") is weaker evidence than the same number introduced as an event or error.
    if (causes) add(k.kind === 'number' ? [...causes, -1] : causes, k.key);
  }
  if (ix.messages.length > 0) {
    // Each message is looked for only where the text has its first word (thousands of messages,
    // a few dozen words of text): a map lookup per word instead of a scan of every message.
    const words = messageWords(text);
    const byFirst = messagesByFirstWord(ix);
    const seen = new Set<KnowledgeIndex['messages'][number]>();
    for (let i = 0; i < words.length; i++) {
      for (const m of byFirst.get(words[i]!) ?? []) {
        if (seen.has(m) || i + m.words.length > words.length) continue;
        let j = 1;
        while (j < m.words.length && words[i + j] === m.words[j]) j++;
        if (j === m.words.length) {
          seen.add(m);
          add(m.causes, m.text);
        }
      }
    }
  }
  hits.delete(-1);
  return hits;
}

/**
 * Platforms a playbook can be specific to: a title that names one (and not Windows) is knowledge
 * about that platform, and a ticket that never names it (nor a word that implies it) is about
 * something else: "Outlook keeps asking for the password" is not an Outlook-for-Mac keychain
 * problem. Such playbooks keep a share of their score (they may still be the only match).
 */
const PLATFORMS: Array<{ title: RegExp; ticket: RegExp }> = [
  {
    title: /\b(mac|macs|macos|macbook|os x)\b/i,
    ticket: /\b(mac|macs|macos|macbooks?|imacs?|os x|osx|apple|jamf|keychain|finder)\b/i,
  },
  {
    title: /\b(ios|ipados|iphones?|ipads?)\b/i,
    ticket: /\b(ios|ipados|iphones?|ipads?|apple|phones?|mobiles?|tablets?|abm|ade|apns)\b/i,
  },
  { title: /\bandroid\b/i, ticket: /\b(android|samsung|pixel|galaxy|phones?|mobiles?|tablets?|zebra)\b/i },
  {
    title: /\blinux\b/i,
    ticket: /\b(linux|ubuntu|debian|red hat|rhel|centos|samba|sssd|kerberos keytab)\b/i,
  },
];
const PLATFORM_MISMATCH_SHARE = 0.25;

/** Per playbook, the platform patterns its title names (none for a Windows or general playbook). */
const platformCache = new WeakMap<KnowledgeIndex, Array<RegExp[] | null>>();
function platformsOf(ix: KnowledgeIndex): Array<RegExp[] | null> {
  let out = platformCache.get(ix);
  if (!out) {
    out = ix.pre.map((p) => {
      const title = p.title;
      if (/\bwindows\b/i.test(title)) return null;
      const named = PLATFORMS.filter((pf) => pf.title.test(title)).map((pf) => pf.ticket);
      return named.length > 0 ? named : null;
    });
    platformCache.set(ix, out);
  }
  return out;
}

/** Ranks playbooks for query terms from free text (problem words, phrases, steps) and codes. */
export function rankWithQuery(
  ix: KnowledgeIndex,
  q: Map<string, number>,
  codeBoost: Map<number, number> = new Map(),
  /** The ticket's own text: playbooks of a platform it never names keep only a share of their score. */
  ticketText?: string,
): Array<{ index: number; score: number }> {
  const scores = ix.playbookIndex.scoreAll(q);
  let top = 0;
  for (const s of scores) top = Math.max(top, s);
  // A code outweighs word matches: each hit adds half of the best word score (at least 2).
  const unit = Math.max(top, 4) * 0.5 * ENGINE_PARAMS.codeRetrievalBoost;
  const out: Array<{ index: number; score: number }> = [];
  const platforms = ticketText === undefined ? null : platformsOf(ix);
  const mismatch = new Map<RegExp, boolean>();
  const foreign = (i: number) =>
    platforms?.[i]?.every((re) => {
      let m = mismatch.get(re);
      if (m === undefined) {
        m = !re.test(ticketText!);
        mismatch.set(re, m);
      }
      return m;
    }) ?? false;
  scores.forEach((s, i) => {
    let score = s + (codeBoost.get(i) ?? 0) * unit;
    if (score > 0 && foreign(i)) score *= PLATFORM_MISMATCH_SHARE;
    if (score > 0) out.push({ index: i, score });
  });
  return out.sort((a, b) => b.score - a.score || ix.pre[a.index]!.id.localeCompare(ix.pre[b.index]!.id));
}

/** How strongly a step's text describes performing this check (0 = not at all, 1 = certainly). */
export function matchStrength(step: LoggedStep, pc: PreCheck): number {
  if (step.norm === pc.actionNorm || step.normText === pc.actionNorm) return 1;
  const tokens = step.tokens;
  let best = 0;
  for (const term of pc.terms) {
    if (term.every((t) => tokens.has(t))) best = Math.max(best, term.length >= 2 ? 1 : 0.8);
    if (best === 1) return 1;
  }
  for (const specific of step.doneSpecific === step.specific
    ? [step.specific]
    : [step.specific, step.doneSpecific]) {
    if (pc.actionTokens.size === 0 || specific.length < 3) continue;
    let common = 0;
    for (const t of specific) if (pc.actionTokens.has(t)) common++;
    if (common >= 3 && common / specific.length >= 0.6 && common / pc.actionTokens.size >= 0.35)
      best = Math.max(best, 0.9);
  }
  return best;
}

/**
 * The log-odds shift a logged outcome of a check gives its cause. A "partial" outcome of an
 * elimination test (one whose failure rules the cause out: a new profile, another cable) means the
 * problem survived the suspect's removal in part, so it counts mostly against the cause; of any other
 * check it is weak support. A check may state its own partial effect.
 */
export function effectFor(check: Check, outcome: StepOutcome): number {
  const e = check.effect;
  switch (outcome) {
    case 'worked':
      return e.worked ?? 0;
    case 'failed':
      return e.failed ?? 0;
    case 'partial':
      if (e.partial !== undefined) return e.partial;
      return check.decisive === 'failed' ? 0.6 * (e.failed ?? 0) : 0.4 * (e.worked ?? 0);
    default:
      return e.info ?? 0;
  }
}

/**
 * A step that changed something, matched to a check that looks at that thing ("Dropped the lease time
 * to 1 day" and "Check the lease time"): its outcome says whether the change helped. Helping supports
 * the cause as strongly as the check's telling result would; not helping weakens it, more softly
 * (the change may have been incomplete).
 */
export function interventionEffect(check: Check, outcome: StepOutcome): number {
  const telling = Math.abs(check.effect.failed ?? 0);
  switch (outcome) {
    case 'worked':
      return telling;
    case 'failed':
      return -ENGINE_PARAMS.changeFailedShare * telling;
    case 'partial':
      return ENGINE_PARAMS.changePartialShare * telling;
    default:
      return check.effect.info ?? 0;
  }
}

/** True when the step's change is read against a looking check (see interventionEffect). */
export function readsAsIntervention(step: LoggedStep, check: PreCheck): boolean {
  return step.changes && !check.changes && (check.check.effect.failed ?? 0) > 0;
}

/** Overlap of a step's words with a fix's words (most of the step's words are the fix's). */
export function fixMatches(step: LoggedStep, fix: PreFix): boolean {
  const matches = (tokens: Set<string>) => {
    let common = 0;
    for (const t of tokens) if (fix.tokens.has(t)) common++;
    return common >= 3 && common / Math.max(tokens.size, 1) >= 0.5;
  };
  return matches(step.tokens) || (step.doneTokens !== step.tokens && matches(step.doneTokens));
}

/**
 * A step that names most of the rare words of an action (weighted by rarity in the base), e.g.
 * "re-did the mail profile from control panel" for "Create a new Outlook profile in Control Panel".
 */
export function rareOverlap(ix: KnowledgeIndex, step: LoggedStep, actionTokens: Set<string>): boolean {
  return (
    rareOverlapOf(ix, step.specific, actionTokens) ||
    (step.doneSpecific !== step.specific && rareOverlapOf(ix, step.doneSpecific, actionTokens))
  );
}

function rareOverlapOf(ix: KnowledgeIndex, specific: string[], actionTokens: Set<string>): boolean {
  if (actionTokens.size === 0 || specific.length === 0) return false;
  const idf = (t: string) => ix.playbookIndex.idfOf(t) || 1;
  let total = 0;
  for (const t of actionTokens) total += idf(t);
  let common = 0;
  let shared = 0;
  let stepTotal = 0;
  for (const t of specific) {
    stepTotal += idf(t);
    if (actionTokens.has(t)) {
      common++;
      shared += idf(t);
    }
  }
  return common >= 2 && shared / total >= 0.5 && shared / stepTotal >= 0.4;
}

// ---- Context --------------------------------------------------------------------------------------

/**
 * Words that mark a clause as the ticket's context rather than its symptom: a named change ("since the
 * hardening GPO", "after the switch swap", "the contractor enabled ...") or a circumstance ("used the
 * phone at his last job", "working from home"). What changed is the first thing a senior asks about.
 */
const CONTEXT_MARKER =
  /\b(since|after|new|newly|replaced|replacement|swap|swapped|changed|enabled|disabled|turned (?:on|off)|rolled out|roll-?out|pushed|deployed|installed|upgraded|updated|migrated|moved|added|removed|applied|contractor|last (?:night|week|month|job)|previous|previously|used to|from home|remote|remotely)\b/i;

/** The words of the problem's context clauses (sentences or clauses that contain a context marker). */
export function contextTokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const clause of text.split(/[.!?;:\n]+|,\s+(?=but\b|and\b|so\b|then\b)/i)) {
    if (!CONTEXT_MARKER.test(clause)) continue;
    for (const t of tokenize(clause)) out.add(t);
  }
  return out;
}

// ---- Analysis -----------------------------------------------------------------------------------

/** Core analysis shared by assessment, suggestions and chat. */
export function analyzeSession(ix: KnowledgeIndex, s: EngineSession): SessionAnalysis {
  const steps = loggedSteps(s);
  const problemText = `${s.title} ${s.problem.slice(0, ENGINE_READS.problemChars)}`;
  const problemTokens = tokenize(problemText);
  const phrases = findPhrases(`${problemText} ${steps.map((st) => st.entry.text).join(' . ')}`);

  const q = new Map<string, number>();
  addTerms(q, problemTokens, ENGINE_PARAMS.problemWeight, 3);
  if (s.category) addTerms(q, tokenize(s.category), 1, 1);
  addTerms(
    q,
    steps.flatMap((st) => [...st.tokens]),
    1,
    2,
  );
  addTerms(
    q,
    phrases.flatMap((p) => p.means),
    ENGINE_PARAMS.phraseWeight,
    1,
  );

  // Codes: in the problem they steer retrieval; in a logged step they are findings about a cause.
  const problemCodes = codesIn(ix, problemText);
  const stepCodes = steps.map((st) => codesIn(ix, st.text));
  // Per playbook, the strongest code evidence (a code shared by many causes lifts each one less).
  const codeBoost = new Map<number, number>();
  const lift = (hits: Map<number, CodeHit>, weight: number) => {
    for (const [ci, h] of hits) {
      const pi = ix.causes[ci]!.playbookIndex;
      codeBoost.set(pi, Math.max(codeBoost.get(pi) ?? 0, weight * h.specificity));
    }
  };
  lift(problemCodes, 1);
  for (const hits of stepCodes) lift(hits, 0.5);

  // Sign match of each candidate cause against the problem statement (+ notes/steps at lower weight).
  const signQuery = new Map<string, number>();
  addTerms(signQuery, problemTokens, 1, 2);
  addTerms(
    signQuery,
    phrases.flatMap((p) => p.means),
    0.5,
    1,
  );
  addTerms(
    signQuery,
    steps.flatMap((st) => [...st.tokens]),
    0.5,
    2,
  );
  // Each cause's own match (name, signs, what confirms it), computed once for every cause.
  const causeScores = ix.causeIndex.scoreAll(signQuery);
  const ranked = rankWithQuery(
    ix,
    q,
    codeBoost,
    `${problemText} ${s.asset ?? ''} ${s.category ?? ''} ${steps.map((st) => st.text).join(' ')}`,
  );
  const playbooks = ranked.map((r) => ({
    id: ix.pre[r.index]!.id,
    title: ix.pre[r.index]!.title,
    score: r.score,
  }));
  const tried = new Set<string>();
  const seenBefore = similarCases(ix, s);
  const empty: SessionAnalysis = {
    ix,
    session: s,
    playbooks,
    causes: [],
    ruledOut: [],
    steps,
    tried,
    coverage: 0,
    playbookCoverage: new Map(),
    codeMatched: false,
    seenBefore,
    phrases,
  };
  if (ranked.length === 0) return empty;

  // A candidate must match something the problem itself says (a word, a phrase or a code): a playbook
  // reached only through step words would put unrelated checks in front of the technician.
  const problemQuery = new Map<string, number>();
  addTerms(problemQuery, problemTokens, 1, 1);
  addTerms(
    problemQuery,
    phrases.flatMap((p) => p.means),
    1,
    1,
  );
  const top = ranked[0]!.score;
  const candidates = ranked
    .slice(0, ENGINE_PARAMS.topPlaybooks)
    .filter((r) => r.score >= top * ENGINE_PARAMS.minRelativeScore)
    .filter(
      (r, i) =>
        i === 0 || codeBoost.has(r.index) || ix.playbookIndex.matchedTerms(r.index, problemQuery).length > 0,
    );
  // A resolved case of the account that ended in a cause brings that cause's playbook in.
  for (const sb of seenBefore) {
    if (sb.similarity < ENGINE_PARAMS.historyStrong || !sb.case.causeKey) continue;
    const pc = ix.causes.find((c) => c.key === sb.case.causeKey);
    if (pc && !candidates.some((c) => c.index === pc.playbookIndex)) {
      const r = ranked.find((x) => x.index === pc.playbookIndex);
      candidates.push({ index: pc.playbookIndex, score: Math.max(r?.score ?? 0, top * 0.5) });
    }
  }

  // Coverage: how much of what the problem says (rare words count more) a playbook explains. Words
  // no candidate uses and fewer than 1 in 50 playbooks use ("weekend", "hit") are incidental to this
  // ticket: a bigger base knows more of them, and counting them made every match look weaker as the
  // base grew. Rarity is by share of playbooks for the same reason.
  const problemTerms = [...new Set([...problemTokens, ...phrases.flatMap((p) => p.means)])];
  const meaningful = problemTerms
    .filter(
      (t) =>
        ix.playbookIndex.idfOf(t) > 0 &&
        (ix.playbookIndex.shareOf(t) >= ENGINE_PARAMS.commonShare ||
          candidates.some((r) => ix.playbookIndex.has(r.index, t))),
    )
    .map((t) => ({ t, w: rarity(ix, t) }));
  const coverageOf = (index: number): number => {
    let known = 0;
    let matched = 0;
    for (const { t, w } of meaningful) {
      known += w;
      if (ix.playbookIndex.has(index, t)) matched += w;
    }
    return known > 0 ? matched / known : 0;
  };
  // A playbook whose title shares no word with the problem is not what the ticket is about, however
  // many generic words ("app", "crash", "start") it matches: its coverage counts as none.
  const problemSet0 = new Set(problemTerms);
  const titleMatches = (index: number) => tokenize(ix.pre[index]!.title).some((t) => problemSet0.has(t));
  const playbookCoverage = new Map(
    candidates.map((r) => [r.index, titleMatches(r.index) ? coverageOf(r.index) : 0]),
  );
  const coverage = coverageOf(ranked[0]!.index);

  const problemSet = new Set(problemTokens);
  const contextSet = contextTokens(problemText);

  const states: CauseState[] = [];
  const allObservations: Observation[] = [];
  let codeMatched = false;
  for (const r of candidates) {
    const pp = ix.pre[r.index]!;
    const rel = Math.min(1, r.score / top);
    // Sign bonus, centred within the playbook: words shared by all its causes don't favour any one.
    const sat = pp.causes.map((pc) => {
      const sc = causeScores[pc.index] ?? 0;
      return sc / (sc + ENGINE_PARAMS.signTau);
    });
    const meanSat = sat.reduce((x, y) => x + y, 0) / Math.max(sat.length, 1);
    for (const [ci, pc] of pp.causes.entries()) {
      const signBonus = ENGINE_PARAMS.signBeta * ((sat[ci] ?? 0) - meanSat);
      const codeHits: CodeFinding[] = [];
      const problemCode = problemCodes.get(pc.index);
      if (problemCode) codeHits.push({ code: problemCode.code, step: null });
      let stepSpecificity = 0;
      stepCodes.forEach((hits, si) => {
        const h = hits.get(pc.index);
        if (!h) return;
        codeHits.push({ code: h.code, step: steps[si]! });
        stepSpecificity = Math.max(stepSpecificity, h.specificity);
      });
      if (Math.max(problemCode?.specificity ?? 0, stepSpecificity) >= 0.5) codeMatched = true;
      const codeBonus =
        ENGINE_PARAMS.codeBeta * (problemCode?.specificity ?? 0) +
        ENGINE_PARAMS.stepCodeBeta * stepSpecificity;
      // A logged finding that reads like one of the cause's typical signs is evidence for it,
      // whatever the step's outcome: the step observed it. One-word signs are too loose for this.
      const signFindings: Array<{ step: LoggedStep; sign: string }> = [];
      for (const sg of pc.signs) {
        if (sg.tokens.length < 2) continue;
        const step = steps.find((st) => sg.tokens.every((t) => st.tokens.has(t)));
        if (step) signFindings.push({ step, sign: sg.text });
      }
      const findingBonus = signFindings.length > 0 ? ENGINE_PARAMS.signFindingBeta : 0;
      const seen = seenBefore.filter((sb) => sb.case.causeKey === pc.key);
      const historyBonus = seen.reduce((m, sb) => Math.max(m, ENGINE_PARAMS.historyBeta * sb.similarity), 0);
      // A typical sign the problem states in full ("returning employee", "CNAME") is direct evidence,
      // worth more the rarer its words are across the base's causes, and more again when the problem
      // names it as the context (a change or circumstance) rather than as a symptom.
      const hitSigns = pc.signs.filter(
        (sg) => sg.tokens.length > 0 && sg.tokens.every((t) => problemSet.has(t)),
      );
      const signHits = hitSigns.map((sg) => sg.text);
      let hitBonus = 0;
      for (const sg of hitSigns) {
        let idf = 0;
        for (const t of sg.tokens) idf += ix.causeIndex.idfOf(t);
        const beta = sg.tokens.every((t) => contextSet.has(t))
          ? ENGINE_PARAMS.signContextBeta
          : ENGINE_PARAMS.signHitBeta;
        hitBonus = Math.max(hitBonus, beta * Math.min(1, idf / ENGINE_PARAMS.signHitIdf));
      }
      const base =
        pc.logPrior +
        hitBonus +
        ENGINE_PARAMS.playbookAlpha * Math.log(rel) +
        signBonus +
        codeBonus +
        findingBonus +
        historyBonus;

      // Latest matching step per check decides that check's observation. A step that matches several
      // checks carries one outcome for all of them, so its weight is shared (ambiguity damping).
      const observations: Observation[] = [];
      for (const check of pc.checks) {
        let latest: { step: LoggedStep; strength: number } | null = null;
        for (const step of steps) {
          const strength = matchStrength(step, check);
          if (strength >= ENGINE_PARAMS.matchThreshold) latest = { step, strength };
        }
        if (!latest) continue;
        tried.add(check.key);
        const intervention = readsAsIntervention(latest.step, check);
        observations.push({
          step: latest.step,
          check,
          strength: latest.strength,
          delta:
            latest.strength *
            (intervention
              ? interventionEffect(check.check, latest.step.outcome)
              : effectFor(check.check, latest.step.outcome)),
          intervention,
        });
      }
      // A logged change that applied one of this cause's fixes (and no check of it already read it).
      const fixAttempts: FixAttempt[] = [];
      for (const step of steps) {
        if (!step.changes || step.outcome === 'info') continue;
        if (observations.some((o) => o.step === step)) continue;
        // Evidence needs the fix's rare words, not a shared verb ("restart the ... service").
        const fix = pc.fixes.find((f) => rareOverlap(ix, step, f.tokens));
        if (!fix) continue;
        const delta =
          step.outcome === 'worked'
            ? ENGINE_PARAMS.fixWorked
            : step.outcome === 'failed'
              ? -ENGINE_PARAMS.changeFailedShare * ENGINE_PARAMS.fixWorked
              : ENGINE_PARAMS.changePartialShare * ENGINE_PARAMS.fixWorked;
        fixAttempts.push({ step, fix, delta });
      }
      allObservations.push(...observations);
      observations.sort((a, b) => a.step.index - b.step.index || a.check.key.localeCompare(b.check.key));
      const ruledOutBy =
        observations.find(
          (o) =>
            !o.intervention &&
            o.check.check.decisive !== undefined &&
            o.check.check.decisive === o.step.outcome,
        ) ?? null;
      states.push({
        pc,
        playbookRel: rel,
        base,
        signHits,
        codeHits,
        signFindings,
        seenBefore: seen,
        observations,
        fixAttempts,
        support: 0,
        logit: base,
        confidence: 0,
        ruledOutBy,
      });
    }
  }

  // Ambiguity damping: divide each observation by the number of distinct checks its step matched.
  const checksPerStep = new Map<number, Set<string>>();
  for (const o of allObservations) {
    const set = checksPerStep.get(o.step.index) ?? new Set<string>();
    set.add(o.check.check.action);
    checksPerStep.set(o.step.index, set);
  }
  for (const c of states) {
    for (const o of c.observations) o.delta /= Math.sqrt(checksPerStep.get(o.step.index)?.size ?? 1);
    c.support =
      c.observations.reduce((sum, o) => sum + o.delta, 0) +
      c.fixAttempts.reduce((sum, f) => sum + f.delta, 0);
    c.logit = c.base + c.support;
  }

  const alive = states.filter((c) => !c.ruledOutBy);
  const ruledOut = states.filter((c) => c.ruledOutBy);
  const maxLogit = alive.reduce((m, c) => Math.max(m, c.logit), Number.NEGATIVE_INFINITY);
  let z = 0;
  for (const c of alive) z += Math.exp(c.logit - maxLogit);
  for (const c of alive) c.confidence = Math.exp(c.logit - maxLogit) / z;
  alive.sort((a, b) => b.confidence - a.confidence || a.pc.key.localeCompare(b.pc.key));
  ruledOut.sort(
    (a, b) => a.ruledOutBy!.step.index - b.ruledOutBy!.step.index || a.pc.key.localeCompare(b.pc.key),
  );
  return { ...empty, causes: alive, ruledOut, coverage, playbookCoverage, codeMatched };
}

/** True when the evidence singles out the top cause: high confidence backed by logged steps. */
export function isConfirmed(c: CauseState | undefined): boolean {
  return (
    c !== undefined &&
    c.confidence >= ENGINE_PARAMS.confirmConfidence &&
    c.support >= ENGINE_PARAMS.confirmSupport
  );
}

/**
 * The playbook holding most of the confidence: what kind of problem this is, which is often clearer
 * than which cause it is (three Outlook causes at 20% outweigh one phone-mail cause at 24%).
 */
export function dominantPlaybook(
  a: SessionAnalysis,
): { index: number; mass: number; runnerUp: number } | null {
  const mass = new Map<number, number>();
  for (const c of a.causes) mass.set(c.pc.playbookIndex, (mass.get(c.pc.playbookIndex) ?? 0) + c.confidence);
  let best: { index: number; mass: number; runnerUp: number } | null = null;
  for (const [index, m] of mass) {
    if (best === null || m > best.mass) best = { index, mass: m, runnerUp: best === null ? 0 : best.mass };
    else if (m > best.runnerUp) best.runnerUp = m;
  }
  return best;
}

/**
 * True when the session matches the knowledge base well: a code points at a cause, the team has
 * seen it before, or the best playbook explains enough of the problem and one cause or one kind of
 * problem leads clearly. "Clearly" is also relative (the likeliest kind of problem holds well over
 * the next one), because a bigger base brings more near neighbours (three VPN playbooks where there
 * was one) that share the confidence without making the match weaker.
 */
export function isStrongMatch(a: SessionAnalysis): boolean {
  const top = a.causes[0];
  if (!top) return false;
  if (a.codeMatched || isConfirmed(top) || top.seenBefore.length > 0) return true;
  if (a.coverage < ENGINE_PARAMS.minCoverage) return false;
  if (top.confidence >= ENGINE_PARAMS.strongConfidence) return true;
  // No one cause leads: the kind of problem may still be clear, but only a kind the ticket names.
  // A playbook whose title shares no word with the problem (its coverage counts as none) reached
  // the top through incidental words ("payroll" among a spoofing cause's examples, for a payroll
  // submission the base knows nothing about): that is not a clear kind of problem.
  const dominant = dominantPlaybook(a);
  if (dominant === null || (a.playbookCoverage.get(dominant.index) ?? 0) === 0) return false;
  return (
    dominant.mass >= ENGINE_PARAMS.strongPlaybookMass ||
    (dominant.mass >= ENGINE_PARAMS.plausiblePlaybookMass &&
      dominant.mass >= ENGINE_PARAMS.strongPlaybookLead * dominant.runnerUp)
  );
}
