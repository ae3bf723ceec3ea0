/**
 * Built-in ("pilot") troubleshooting engine: offline and deterministic.
 *
 * 1. Retrieval: BM25 over playbook documents (title, symptoms, keywords, cause names, check actions).
 * 2. Evidence: each candidate cause starts from its prior (scaled by its playbook's retrieval score
 *    and by how well the problem text matches the cause's typical signs), then every logged step is
 *    matched to the checks it describes and the outcome's effect is added in log-odds space.
 *    Softmax over the surviving causes gives confidences; decisive outcomes rule causes out.
 * 3. Next steps: untried checks ranked by expected information gain (per unit of effort).
 */
import type {
  TAssessmentWithStart,
  TAssistantReply,
  TStartHere,
  TSuggestion,
  TSuggestionsResponse,
} from '@rf/contracts';
import { Bm25Index } from './bm25.js';
import { type Cause, type Check, loadPlaybooks, type Playbook } from './knowledge.js';
import { tokenize } from './text.js';

export interface EngineTimelineEntry {
  id: string;
  kind: 'step' | 'note' | 'assistant_user' | 'assistant_reply' | 'resolution' | 'handoff';
  text: string;
  outcome: 'worked' | 'failed' | 'partial' | 'info' | null;
  detail: string | null;
  at: string /* ISO */;
}

export interface EngineSession {
  title: string;
  problem: string;
  customer: string | null;
  asset: string | null;
  category: string | null;
  timeline: EngineTimelineEntry[];
}

type StepOutcome = 'worked' | 'failed' | 'partial' | 'info';

/** Model tunables (global, not per playbook or scenario). */
export const ENGINE_PARAMS = {
  /** How many top-ranked playbooks contribute candidate causes. */
  topPlaybooks: 3,
  /** Playbooks scoring below this fraction of the best one are not candidates. */
  minRelativeScore: 0.3,
  /** Weight of log(relative playbook score) in a cause's starting log-odds. */
  playbookAlpha: 2.5,
  /** Max log-odds bonus for a cause whose typical signs match the problem text. */
  signBeta: 2,
  /** BM25 score at which the sign bonus is half of signBeta. */
  signTau: 4,
  /** Query weight of problem/title terms vs. timeline terms. */
  problemWeight: 2,
  /** Strength at or above which a step counts as having performed a check. */
  matchThreshold: 0.8,
  /** A cause counts as confirmed (startHere offers its fix) above this confidence + step support. */
  confirmConfidence: 0.6,
  confirmSupport: 2,
} as const;

// ---------------------------------------------------------------------------------------------
// Precomputed knowledge (once, at module load)
// ---------------------------------------------------------------------------------------------

interface PreCheck {
  key: string;
  check: Check;
  terms: string[][];
  actionTokens: Set<string>;
  actionAll: Set<string>;
  actionNorm: string;
}
interface PreFix {
  text: string;
  tokens: Set<string>;
  all: Set<string>;
  norm: string;
}
interface PreCause {
  key: string;
  index: number;
  cause: Cause;
  playbook: Playbook;
  logPrior: number;
  checks: PreCheck[];
  fixes: PreFix[];
  signs: Array<{ text: string; tokens: string[] }>;
}
interface PrePlaybook {
  index: number;
  playbook: Playbook;
  causes: PreCause[];
}

/** Words too common in check actions to identify a check on their own. */
const ACTION_GENERIC = new Set(
  tokenize(
    'run check confirm open see whether look note then retest test try user pc affected same new old ' +
      'one each every any other settings setting show list make sure directly',
  ),
);

export const PLAYBOOKS: readonly Playbook[] = loadPlaybooks();

const PRE: PrePlaybook[] = [];
const ALL_CAUSES: PreCause[] = [];
for (const playbook of PLAYBOOKS) {
  const priorSum = playbook.causes.reduce((s, c) => s + c.prior, 0);
  const pre: PrePlaybook = { index: PRE.length, playbook, causes: [] };
  for (const cause of playbook.causes) {
    const pc: PreCause = {
      key: `${playbook.id}/${cause.id}`,
      index: ALL_CAUSES.length,
      cause,
      playbook,
      logPrior: Math.log(Math.max(cause.prior, 0.01) / priorSum),
      checks: cause.checks.map((check) => ({
        key: `${playbook.id}/${cause.id}/${check.id}`,
        check,
        terms: check.terms.map((t) => [...new Set(tokenize(t))]).filter((t) => t.length > 0),
        actionTokens: new Set(tokenize(check.action).filter((t) => !ACTION_GENERIC.has(t))),
        actionAll: new Set(tokenize(check.action)),
        actionNorm: normalise(check.action),
      })),
      fixes: cause.fixes.map((text) => ({
        text,
        tokens: new Set(tokenize(text).filter((t) => !ACTION_GENERIC.has(t))),
        all: new Set(tokenize(text)),
        norm: normalise(text),
      })),
      signs: cause.signs.map((text) => ({ text, tokens: [...new Set(tokenize(text))] })),
    };
    pre.causes.push(pc);
    ALL_CAUSES.push(pc);
  }
  PRE.push(pre);
}

const PLAYBOOK_INDEX = new Bm25Index(
  PRE.map((p) => ({
    id: p.playbook.id,
    fields: [
      { tokens: tokenize(p.playbook.title), weight: 3 },
      { tokens: tokenize(p.playbook.category), weight: 1 },
      { tokens: tokenize(p.playbook.symptoms.join(' ')), weight: 2 },
      { tokens: tokenize(p.playbook.keywords.join(' ')), weight: 2 },
      { tokens: tokenize(p.playbook.causes.map((c) => c.name).join(' ')), weight: 1 },
      { tokens: tokenize(p.playbook.causes.flatMap((c) => c.signs).join(' ')), weight: 0.5 },
      {
        tokens: tokenize(p.playbook.causes.flatMap((c) => c.checks.map((k) => k.action)).join(' ')),
        weight: 1,
      },
      {
        tokens: tokenize(p.playbook.causes.flatMap((c) => c.checks.flatMap((k) => k.terms)).join(' ')),
        weight: 0.5,
      },
    ],
  })),
);

const CAUSE_INDEX = new Bm25Index(
  ALL_CAUSES.map((c) => ({
    id: c.key,
    fields: [
      { tokens: tokenize(c.cause.name), weight: 1 },
      { tokens: tokenize(c.cause.signs.join(' ')), weight: 1.5 },
      { tokens: tokenize(c.cause.checks.map((k) => k.confirmsIf).join(' ')), weight: 0.5 },
    ],
  })),
);

/** Per cause: name, signs and check terms (for chat mentions). */
const CAUSE_VOCAB = new Map<string, Set<string>>(
  ALL_CAUSES.map((c) => [
    c.key,
    new Set(tokenize([c.cause.name, ...c.cause.signs, ...c.cause.checks.flatMap((k) => k.terms)].join(' '))),
  ]),
);

// ---------------------------------------------------------------------------------------------
// Session analysis
// ---------------------------------------------------------------------------------------------

interface LoggedStep {
  entry: EngineTimelineEntry;
  index: number;
  text: string;
  tokens: Set<string>;
  /** Normalised token strings of text+detail and of the text alone (for exact-repeat detection). */
  norm: string;
  normText: string;
  /** Tokens that are not generic action words (for action-overlap matching). */
  specific: string[];
  outcome: StepOutcome;
}

interface Observation {
  step: LoggedStep;
  check: PreCheck;
  strength: number;
  delta: number;
}

interface CauseState {
  pc: PreCause;
  playbookRel: number;
  base: number;
  signHits: string[];
  observations: Observation[];
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
  playbooks: RankedPlaybook[];
  /** Surviving candidate causes, most likely first (confidences sum to 1). */
  causes: CauseState[];
  ruledOut: CauseState[];
  steps: LoggedStep[];
  /** Keys of checks any logged step already performed. */
  tried: Set<string>;
}

function clip(text: string, max = 90): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function stepText(e: EngineTimelineEntry): string {
  return e.detail ? `${e.text} ${e.detail}` : e.text;
}

function loggedSteps(s: EngineSession): LoggedStep[] {
  const out: LoggedStep[] = [];
  s.timeline.forEach((entry, index) => {
    if (entry.kind !== 'step' && entry.kind !== 'note') return;
    const text = stepText(entry);
    const toks = tokenize(text);
    const tokens = new Set(toks);
    const norm = toks.join(' ');
    out.push({
      entry,
      index,
      text,
      tokens,
      norm,
      normText: entry.detail ? normalise(entry.text) : norm,
      specific: [...tokens].filter((t) => !ACTION_GENERIC.has(t)),
      outcome: entry.outcome ?? 'info',
    });
  });
  return out;
}

function addTerms(q: Map<string, number>, tokens: string[], weight: number, cap: number): void {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [t, c] of counts) q.set(t, (q.get(t) ?? 0) + weight * Math.min(c, cap));
}

function buildQuery(s: EngineSession, steps: LoggedStep[]): Map<string, number> {
  const q = new Map<string, number>();
  addTerms(q, tokenize(`${s.title} ${s.problem}`), ENGINE_PARAMS.problemWeight, 3);
  if (s.category) addTerms(q, tokenize(s.category), 1, 1);
  addTerms(
    q,
    steps.flatMap((st) => [...st.tokens]),
    1,
    2,
  );
  return q;
}

function rankWithQuery(q: Map<string, number>): Array<{ pre: PrePlaybook; score: number }> {
  const scores = PLAYBOOK_INDEX.scoreAll(q);
  return PRE.map((pre, i) => ({ pre, score: scores[i] ?? 0 }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.pre.playbook.id.localeCompare(b.pre.playbook.id));
}

/** How strongly a step's text describes performing this check (0 = not at all, 1 = certainly). */
function matchStrength(step: LoggedStep, pc: PreCheck): number {
  if (step.norm === pc.actionNorm || step.normText === pc.actionNorm) return 1;
  const tokens = step.tokens;
  let best = 0;
  for (const term of pc.terms) {
    if (term.every((t) => tokens.has(t))) best = Math.max(best, term.length >= 2 ? 1 : 0.8);
    if (best === 1) return 1;
  }
  if (pc.actionTokens.size > 0 && step.specific.length >= 3) {
    let common = 0;
    for (const t of step.specific) if (pc.actionTokens.has(t)) common++;
    if (common >= 3 && common / step.specific.length >= 0.6 && common / pc.actionTokens.size >= 0.35)
      best = Math.max(best, 0.9);
  }
  return best;
}

function fixMatches(tokens: Set<string>, fix: PreFix): boolean {
  let common = 0;
  for (const t of tokens) if (fix.tokens.has(t)) common++;
  return common >= 3 && common / Math.max(tokens.size, 1) >= 0.5;
}

function effectFor(check: Check, outcome: StepOutcome): number {
  const e = check.effect;
  switch (outcome) {
    case 'worked':
      return e.worked ?? 0;
    case 'failed':
      return e.failed ?? 0;
    case 'partial':
      return e.partial ?? 0.4 * (e.worked ?? 0);
    default:
      return e.info ?? 0;
  }
}

function normalise(text: string): string {
  return tokenize(text).join(' ');
}

/** Core analysis shared by assessment, suggestions and chat. */
export function analyzeSession(s: EngineSession): SessionAnalysis {
  const steps = loggedSteps(s);
  const ranked = rankWithQuery(buildQuery(s, steps));
  const playbooks = ranked.map((r) => ({
    id: r.pre.playbook.id,
    title: r.pre.playbook.title,
    score: r.score,
  }));
  const tried = new Set<string>();
  if (ranked.length === 0) return { playbooks, causes: [], ruledOut: [], steps, tried };

  const top = ranked[0]!.score;
  const candidates = ranked
    .slice(0, ENGINE_PARAMS.topPlaybooks)
    .filter((r) => r.score >= top * ENGINE_PARAMS.minRelativeScore);

  // Sign match of each candidate cause against the problem statement (+ notes/steps at lower weight).
  const signQuery = new Map<string, number>();
  addTerms(signQuery, tokenize(`${s.title} ${s.problem}`), 1, 2);
  addTerms(
    signQuery,
    steps.flatMap((st) => [...st.tokens]),
    0.5,
    2,
  );
  const problemTokens = new Set(tokenize(`${s.title} ${s.problem} ${s.category ?? ''}`));

  const states: CauseState[] = [];
  const allObservations: Observation[] = [];
  for (const r of candidates) {
    const rel = r.score / top;
    // Sign bonus, centred within the playbook: words shared by all its causes don't favour any one.
    const sat = r.pre.causes.map((pc) => {
      const sc = CAUSE_INDEX.scoreDoc(CAUSE_INDEX.docs[pc.index]!, signQuery);
      return sc / (sc + ENGINE_PARAMS.signTau);
    });
    const meanSat = sat.reduce((x, y) => x + y, 0) / Math.max(sat.length, 1);
    for (const [ci, pc] of r.pre.causes.entries()) {
      const signBonus = ENGINE_PARAMS.signBeta * ((sat[ci] ?? 0) - meanSat);
      const base = pc.logPrior + ENGINE_PARAMS.playbookAlpha * Math.log(rel) + signBonus;
      const signHits = pc.signs
        .filter((sg) => sg.tokens.length > 0 && sg.tokens.every((t) => problemTokens.has(t)))
        .map((sg) => sg.text);

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
        observations.push({
          step: latest.step,
          check,
          strength: latest.strength,
          delta: latest.strength * effectFor(check.check, latest.step.outcome),
        });
      }
      allObservations.push(...observations);
      observations.sort((a, b) => a.step.index - b.step.index || a.check.key.localeCompare(b.check.key));
      const ruledOutBy =
        observations.find(
          (o) => o.check.check.decisive !== undefined && o.check.check.decisive === o.step.outcome,
        ) ?? null;
      states.push({
        pc,
        playbookRel: rel,
        base,
        signHits,
        observations,
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
    c.support = c.observations.reduce((sum, o) => sum + o.delta, 0);
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
  return { playbooks, causes: alive, ruledOut, steps, tried };
}

// ---------------------------------------------------------------------------------------------
// Information value of untried checks
// ---------------------------------------------------------------------------------------------

function entropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

function shifted(p: number, delta: number): number {
  if (delta === Number.NEGATIVE_INFINITY) return 0;
  const lo = Math.log(p / (1 - p)) + delta;
  return 1 / (1 + Math.exp(-lo));
}

/** Expected entropy reduction about "is this the cause?" from doing the check (binary outcome model). */
export function expectedInformation(p: number, check: Check): number {
  const pc = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  const w = check.decisive === 'worked' ? Number.NEGATIVE_INFINITY : (check.effect.worked ?? 0);
  const f = check.decisive === 'failed' ? Number.NEGATIVE_INFINITY : (check.effect.failed ?? 0);
  const pw = shifted(pc, w);
  const pf = shifted(pc, f);
  if (Math.abs(pw - pf) < 1e-9) return 0;
  const qw = Math.min(1, Math.max(0, (pc - pf) / (pw - pf)));
  return Math.max(0, entropy(pc) - (qw * entropy(pw) + (1 - qw) * entropy(pf)));
}

interface Candidate {
  state: CauseState;
  check: PreCheck;
  value: number;
}

function isTextTried(a: SessionAnalysis, action: string, tokens?: Set<string>, norm?: string): boolean {
  const n = norm ?? normalise(action);
  const toks = tokens ?? new Set(tokenize(action));
  return a.steps.some((st) => {
    if (st.norm === n || st.normText === n) return true;
    // The step is (mostly) the same words as the proposed action.
    let common = 0;
    for (const t of st.tokens) if (toks.has(t)) common++;
    return st.tokens.size >= 3 && common / st.tokens.size >= 0.8 && common / Math.max(toks.size, 1) >= 0.6;
  });
}

function untriedChecks(a: SessionAnalysis, causes: CauseState[]): Candidate[] {
  const out: Candidate[] = [];
  for (const state of causes) {
    for (const check of state.pc.checks) {
      // a.tried holds every check of the candidate causes that some logged step matched.
      if (a.tried.has(check.key)) continue;
      if (isTextTried(a, check.check.action, check.actionAll, check.actionNorm)) continue;
      const cost = check.check.cost ?? 1;
      const value = expectedInformation(state.confidence, check.check) / (0.6 + 0.4 * cost);
      out.push({ state, check, value });
    }
  }
  out.sort((x, y) => y.value - x.value || x.check.key.localeCompare(y.check.key));
  const seen = new Set<string>();
  return out.filter((c) => {
    const k = c.check.actionNorm;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function fixTried(a: SessionAnalysis, fix: PreFix): boolean {
  return a.steps.some((st) => fixMatches(st.tokens, fix)) || isTextTried(a, fix.text, fix.all, fix.norm);
}

/** True when a logged step already performed this action (used to filter LLM answers too). */
export function isTriedAction(s: EngineSession, action: string): boolean {
  const a = analyzeSession(s);
  if (isTextTried(a, action)) return true;
  const norm = normalise(action);
  for (const c of [...a.causes, ...a.ruledOut]) {
    for (const k of c.pc.checks) if (k.actionNorm === norm && a.tried.has(k.key)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Output builders
// ---------------------------------------------------------------------------------------------

function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

function quoteStep(st: LoggedStep): string {
  return `'${clip(st.entry.text)}' (${st.outcome})`;
}

function evidenceFor(c: CauseState): string[] {
  const ev: string[] = [];
  for (const o of c.observations) {
    const label = o.step.entry.kind === 'note' ? 'Note' : 'Step';
    if (o.delta > 0.2)
      ev.push(`${label} ${quoteStep(o.step)} supports this: expected if ${o.check.check.confirmsIf}.`);
    else if (o.delta < -0.2)
      ev.push(
        `${label} ${quoteStep(o.step)} weakens this: it would show ${o.check.check.confirmsIf} if this were the cause.`,
      );
    else ev.push(`${label} ${quoteStep(o.step)} covers a check for this but says little either way.`);
  }
  if (c.signHits.length > 0)
    ev.push(`The problem description matches typical signs: ${c.signHits.map((h) => `"${h}"`).join(', ')}.`);
  if (c.observations.length === 0)
    ev.push(
      `No logged step tests this yet; it ranks from the problem matching the playbook "${c.pc.playbook.title}" (prior ${pct(c.pc.cause.prior)}).`,
    );
  return ev;
}

function ruledOutWhy(c: CauseState): string {
  const o = c.ruledOutBy!;
  const label = o.step.entry.kind === 'note' ? 'Note' : 'Step';
  return `${label} ${quoteStep(o.step)} rules this out: ${o.check.check.ruleOutWhy ?? 'the decisive check came back clean'}.`;
}

function suggestionFrom(c: Candidate): TSuggestion {
  const check = c.check.check;
  const decisive =
    check.decisive === 'worked'
      ? ' A clean result rules it out.'
      : check.decisive === 'failed'
        ? ' If this fails, the cause is ruled out.'
        : '';
  return {
    id: c.check.key,
    action: check.action,
    why: `Tests '${c.state.pc.cause.name}' (${pct(c.state.confidence)} likely): points to it if ${check.confirmsIf}.${decisive}`,
    cause: c.state.pc.cause.name,
    playbook: c.state.pc.playbook.id,
  };
}

const GENERIC_START: TStartHere[] = [
  {
    action:
      'Capture the exact error message (screenshot), who is affected, since when and what changed, and log it as a note',
    why: 'No playbook matches the description yet; a precise error text and scope let the assistant narrow it down.',
  },
  {
    action: 'Reproduce the problem while you watch and record each step with its outcome',
    why: 'No playbook matches the description yet; a reproduced failure gives concrete evidence to work from.',
  },
];

function startHereFor(a: SessionAnalysis, cands: Candidate[]): TStartHere {
  const top = a.causes[0];
  if (top) {
    const confirmed =
      top.confidence >= ENGINE_PARAMS.confirmConfidence && top.support >= ENGINE_PARAMS.confirmSupport;
    const fix = top.pc.fixes.find((f) => !fixTried(a, f));
    if (confirmed && fix) {
      const best = top.observations.filter((o) => o.delta > 0).sort((x, y) => y.delta - x.delta)[0];
      return {
        action: fix.text,
        why: `'${top.pc.cause.name}' is confirmed (${pct(top.confidence)})${best ? ` by ${quoteStep(best.step)}` : ''}; apply the fix.`,
      };
    }
    for (const state of a.causes) {
      const best = cands.find((c) => c.state === state);
      if (best) {
        const lead = state === top ? 'Most likely cause' : `Top cause has no untried checks; next candidate`;
        return {
          action: best.check.check.action,
          why: `${lead}: '${state.pc.cause.name}' (${pct(state.confidence)}); this check points to it if ${best.check.check.confirmsIf}.`,
        };
      }
      const stateFix = state.pc.fixes.find((f) => !fixTried(a, f));
      if (stateFix)
        return {
          action: stateFix.text,
          why: `Every check for '${state.pc.cause.name}' (${pct(state.confidence)}) is done and it is still the best candidate; try its fix.`,
        };
    }
  }
  const generic = GENERIC_START.find((g) => !isTextTried(a, g.action));
  if (generic) return generic;
  // Everything is exhausted: the step count makes this action differ from any logged step.
  return {
    action: `Review the ${a.steps.length} logged steps and outcomes with a senior colleague and decide whether to escalate`,
    why: 'Every playbook check and fix for the candidate causes has been tried; a fresh pair of eyes is the next step.',
  };
}

export function assessSession(s: EngineSession): TAssessmentWithStart {
  const a = analyzeSession(s);
  return assessmentFromAnalysis(a);
}

function assessmentFromAnalysis(a: SessionAnalysis): TAssessmentWithStart {
  const likely = a.causes.slice(0, 5).filter((c, i) => i === 0 || c.confidence >= 0.02);
  const cands = untriedChecks(a, a.causes.slice(0, 4));
  const topKeys = new Set(a.causes.slice(0, 3).map((c) => c.pc.key));
  const gaps = cands
    .filter((c) => topKeys.has(c.state.pc.key))
    .slice(0, 6)
    .map((c) => `${c.check.check.action} (tests: ${c.state.pc.cause.name})`);
  return {
    assessment: {
      engine: 'builtin',
      likelyCauses: likely.map((c) => ({
        cause: c.pc.cause.name,
        confidence: Math.round(c.confidence * 1000) / 1000,
        evidence: evidenceFor(c),
      })),
      ruledOut: a.ruledOut.map((c) => ({ cause: c.pc.cause.name, why: ruledOutWhy(c) })),
      gaps,
    },
    startHere: startHereFor(a, cands),
  };
}

function suggestionsFromAnalysis(a: SessionAnalysis, limit: number): TSuggestion[] {
  return untriedChecks(a, a.causes.slice(0, 5)).slice(0, Math.max(0, limit)).map(suggestionFrom);
}

export function suggestNextSteps(s: EngineSession, limit = 5): TSuggestionsResponse {
  const a = analyzeSession(s);
  const top = a.playbooks[0];
  return {
    engine: 'builtin',
    suggestions: suggestionsFromAnalysis(a, limit),
    playbook: top ? { id: top.id, title: top.title } : null,
  };
}

export function rankPlaybooks(text: string, limit = 5): Array<{ id: string; title: string; score: number }> {
  const q = new Map<string, number>();
  addTerms(q, tokenize(text), 1, 3);
  return rankWithQuery(q)
    .slice(0, Math.max(0, limit))
    .map((r) => ({
      id: r.pre.playbook.id,
      title: r.pre.playbook.title,
      score: Math.round(r.score * 1e4) / 1e4,
    }));
}

/** Ranked causes with ids (for benchmarks and tests). */
export function rankCauses(
  s: EngineSession,
): Array<{ playbookId: string; causeId: string; name: string; confidence: number }> {
  return analyzeSession(s).causes.map((c) => ({
    playbookId: c.pc.playbook.id,
    causeId: c.pc.cause.id,
    name: c.pc.cause.name,
    confidence: c.confidence,
  }));
}

// ---------------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------------

type Intent = 'ruled_out' | 'why' | 'fix' | 'summary' | 'next';

function detectIntent(message: string): Intent {
  const m = message.toLowerCase();
  if (/rul(ed|e|es|ing) out|exclud|eliminat|can we rule|not the cause/.test(m)) return 'ruled_out';
  if (/\bwhy\b|explain|reason|how come|how sure|confiden/.test(m)) return 'why';
  if (/\b(fix|fixes|resolve|solution|solve|remed|repair)\b/.test(m)) return 'fix';
  if (
    /summar|status|where are we|so far|recap|hand ?off|escalat|what do we know|what have (i|we) (tried|done)/.test(
      m,
    )
  )
    return 'summary';
  return 'next';
}

/** The candidate cause a chat message talks about (IDF-weighted overlap with the cause's vocabulary). */
function mentionedCause(a: SessionAnalysis, message: string): CauseState | null {
  const msg = new Set(tokenize(message));
  const all = [...a.causes, ...a.ruledOut];
  const vocab = all.map((c) => CAUSE_VOCAB.get(c.pc.key) ?? new Set<string>());
  const df = new Map<string, number>();
  for (const t of msg) df.set(t, vocab.filter((v) => v.has(t)).length);
  let best: CauseState | null = null;
  let bestScore = 0;
  all.forEach((c, i) => {
    let score = 0;
    for (const t of msg) {
      const d = df.get(t) ?? 0;
      // A word every candidate shares says nothing about which one is meant.
      if (d > 0 && d < all.length && vocab[i]!.has(t)) score += 1 / d;
    }
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  });
  return best;
}

function stepsLine(a: SessionAnalysis): string {
  const steps = a.steps.filter((st) => st.entry.kind === 'step');
  if (steps.length === 0) return 'No steps are logged yet.';
  const recent = steps.slice(-3).map(quoteStep).join(', ');
  return `Logged so far (${steps.length} step${steps.length === 1 ? '' : 's'}), most recent: ${recent}.`;
}

function causeLine(c: CauseState): string {
  return `- ${c.pc.cause.name} (${pct(c.confidence)})`;
}

export function replyToMessage(s: EngineSession, message: string): TAssistantReply {
  const a = analyzeSession(s);
  const suggestions = suggestionsFromAnalysis(a, 3);
  const lines: string[] = [];

  if (a.causes.length === 0 && a.ruledOut.length === 0) {
    const guess = rankPlaybooks(`${s.title} ${s.problem} ${message}`, 3);
    lines.push("I can't match this session to a playbook yet.");
    if (guess.length > 0) lines.push(`Closest playbooks: ${guess.map((g) => g.title).join('; ')}.`);
    lines.push(
      'Add the exact error message, who is affected and since when, and log each step with its outcome.',
    );
    return { engine: 'builtin', text: lines.join('\n'), suggestions };
  }

  const intent = detectIntent(message);
  const assessment = assessmentFromAnalysis(a);
  const top = a.causes[0];

  if (intent === 'ruled_out') {
    if (a.ruledOut.length === 0) {
      lines.push('Nothing is ruled out yet: no logged step has given a decisive result.');
      const decisive = untriedChecks(a, a.causes.slice(0, 4)).find((c) => c.check.check.decisive);
      if (decisive)
        lines.push(
          `A check that could rule something out: ${decisive.check.check.action} (for '${decisive.state.pc.cause.name}').`,
        );
    } else {
      lines.push('Ruled out so far:');
      for (const c of a.ruledOut) lines.push(`- ${c.pc.cause.name}: ${ruledOutWhy(c)}`);
    }
    if (top) lines.push(`Still the leading candidate: ${top.pc.cause.name} (${pct(top.confidence)}).`);
  } else if (intent === 'why') {
    const target = mentionedCause(a, message) ?? top;
    if (target?.ruledOutBy) {
      lines.push(`'${target.pc.cause.name}' is ruled out.`);
      lines.push(ruledOutWhy(target));
    } else if (target) {
      lines.push(`'${target.pc.cause.name}' is at ${pct(target.confidence)} because:`);
      for (const e of evidenceFor(target)) lines.push(`- ${e}`);
      if (target === top)
        lines.push(`Suggested next: ${assessment.startHere.action}`, `Why: ${assessment.startHere.why}`);
    }
  } else if (intent === 'fix') {
    if (top) {
      const confirmed =
        top.support >= ENGINE_PARAMS.confirmSupport && top.confidence >= ENGINE_PARAMS.confirmConfidence;
      lines.push(
        confirmed
          ? `The evidence points to '${top.pc.cause.name}' (${pct(top.confidence)}). Fixes from the playbook:`
          : `Not confirmed yet, but for the leading candidate '${top.pc.cause.name}' (${pct(top.confidence)}) the playbook fixes are:`,
      );
      for (const f of top.pc.fixes) lines.push(`- ${f.text}${fixTried(a, f) ? ' (already logged)' : ''}`);
      if (!confirmed) lines.push(`Confirm it first: ${assessment.startHere.action}`);
    }
  } else if (intent === 'summary') {
    lines.push(`Problem: ${clip(s.title, 120)}.`);
    lines.push(stepsLine(a));
    lines.push('Likely causes:');
    for (const c of a.causes.slice(0, 3)) lines.push(causeLine(c));
    if (a.ruledOut.length > 0) lines.push(`Ruled out: ${a.ruledOut.map((c) => c.pc.cause.name).join('; ')}.`);
    lines.push(`Start here: ${assessment.startHere.action}`);
  } else {
    lines.push(stepsLine(a));
    if (top) lines.push(`Most likely: ${top.pc.cause.name} (${pct(top.confidence)}).`);
    lines.push(`Next: ${assessment.startHere.action}`, `Why: ${assessment.startHere.why}`);
    const more = suggestions.filter((x) => x.action !== assessment.startHere.action).slice(0, 2);
    if (more.length > 0) {
      lines.push('Other useful checks:');
      for (const x of more) lines.push(`- ${x.action}`);
    }
  }
  return { engine: 'builtin', text: lines.join('\n'), suggestions };
}
