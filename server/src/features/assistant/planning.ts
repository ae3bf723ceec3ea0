/**
 * Planning: which untried check or fix to propose next. Checks are ranked by expected information
 * per unit of effort; a check counts as tried when a logged step performed it, whatever words the
 * technician used (the step matches the check's terms, or most of its rare action words).
 */
import {
  type CauseState,
  clip,
  dominantPlaybook,
  fixMatches,
  isConfirmed,
  isStrongMatch,
  type LoggedStep,
  matchStrength,
  rareOverlap as rareOverlapIn,
  type SeenBefore,
  type SessionAnalysis,
} from './analysis.js';
import type { Check } from './knowledge.js';
import { normalise, type PreCheck, type PreFix } from './knowledge-index.js';
import { ENGINE_PARAMS } from './params.js';
import { tokenize } from './text.js';

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

export interface Candidate {
  state: CauseState;
  check: PreCheck;
  value: number;
}

/** A step that is (mostly) the same words as the proposed text. */
export function isTextTried(
  a: SessionAnalysis,
  action: string,
  tokens?: Set<string>,
  norm?: string,
): boolean {
  const n = norm ?? normalise(action);
  const toks = tokens ?? new Set(tokenize(action));
  const same = (stepTokens: Set<string>) => {
    let common = 0;
    for (const t of stepTokens) if (toks.has(t)) common++;
    return stepTokens.size >= 3 && common / stepTokens.size >= 0.8 && common / Math.max(toks.size, 1) >= 0.6;
  };
  return a.steps.some(
    (st) =>
      st.norm === n ||
      st.normText === n ||
      same(st.tokens) ||
      (st.doneTokens !== st.tokens && same(st.doneTokens)),
  );
}

function rareOverlap(a: SessionAnalysis, step: LoggedStep, actionTokens: Set<string>): boolean {
  return rareOverlapIn(a.ix, step, actionTokens);
}

/** True when some logged step performed this check, in the check's words or the technician's own. */
export function isCheckTried(a: SessionAnalysis, check: PreCheck): boolean {
  if (a.tried.has(check.key)) return true;
  for (const st of a.steps) {
    if (matchStrength(st, check) >= ENGINE_PARAMS.matchThreshold) return true;
    if (rareOverlap(a, st, check.actionTokens)) return true;
  }
  return isTextTried(a, check.check.action, check.actionAll, check.actionNorm);
}

export function isFixTried(a: SessionAnalysis, fix: PreFix): boolean {
  return (
    a.steps.some((st) => fixMatches(st, fix) || rareOverlap(a, st, fix.tokens)) ||
    isTextTried(a, fix.text, fix.all, fix.norm)
  );
}

/** Causes worth planning for: alive, not negligible, and from a playbook the problem matches. */
export function planningCauses(a: SessionAnalysis, limit: number): CauseState[] {
  const top = a.causes[0];
  if (!top) return [];
  return a.causes
    .filter(
      (c) =>
        c === top ||
        (c.confidence >= ENGINE_PARAMS.minPlanConfidence && (c.playbookRel >= 0.5 || c.support > 0)),
    )
    .slice(0, limit);
}

export function untriedChecks(a: SessionAnalysis, causes: CauseState[]): Candidate[] {
  const out: Candidate[] = [];
  for (const state of causes) {
    for (const check of state.pc.checks) {
      if (isCheckTried(a, check)) continue;
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

export function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function day(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** What fixed a resolved case: the step that worked, else the resolution note. */
export function caseFix(sb: SeenBefore): string {
  return sb.case.fixStep ?? sb.case.resolution;
}

/** "Seen before: Contoso Dental, 12 Oct 2026: fixed by '…'". */
export function seenBeforeLine(sb: SeenBefore): string {
  const who = sb.case.customer ? `${sb.case.customer}, ` : '';
  return `Seen before: ${who}${day(sb.case.resolvedAt)} ('${sb.case.title.trim()}'): fixed by '${caseFix(sb).trim()}'`;
}

export interface StartHere {
  action: string;
  why: string;
}

const GATHER_START: StartHere[] = [
  {
    action:
      'Capture the exact error message or code (screenshot), who and what is affected, since when and what changed, and log it as a note',
    why: 'a precise error text or code, and the scope, tell the candidate causes apart.',
  },
  {
    action: 'Reproduce the problem while you watch and record each step with its outcome',
    why: 'a reproduced failure gives concrete evidence to tell the candidates apart.',
  },
];

/** One concrete next action, never one a logged step already performed. */
export function startHereFor(a: SessionAnalysis, cands: Candidate[]): StartHere {
  const top = a.causes[0];
  const strong = isStrongMatch(a);
  if (top) {
    const fix = top.pc.fixes.find((f) => !isFixTried(a, f));
    if (isConfirmed(top) && fix) {
      const best = top.observations.filter((o) => o.delta > 0).sort((x, y) => y.delta - x.delta)[0];
      return {
        action: fix.text,
        why: `'${top.pc.cause.name}' is confirmed (${pct(top.confidence)})${best ? ` by ${quoteStep(best.step)}` : ''}; apply the fix.`,
      };
    }
  }
  // The team fixed something like this before: its fix is the best first move, unless it was tried.
  const seen = a.seenBefore.find(
    (sb) => sb.similarity >= ENGINE_PARAMS.historyStrong && !historyFixTried(a, sb),
  );
  if (seen) {
    return {
      action: caseFix(seen),
      why: `${seenBeforeLine(seen)}. This session looks like that case (${pct(seen.similarity)} similar).`,
    };
  }
  const dominant = dominantPlaybook(a);
  if (top && !strong) {
    // Unsure which kind of problem this is: a check from one guessed playbook would be noise.
    const dominantCoverage = dominant ? (a.playbookCoverage.get(dominant.index) ?? 0) : 0;
    if (
      dominantCoverage < ENGINE_PARAMS.minCoverage ||
      (dominant?.mass ?? 0) < ENGINE_PARAMS.plausiblePlaybookMass
    )
      return gatherStart(a, top);
    // Unsure which cause: the most informative check among the causes of the likeliest kind of problem.
    const best = cands.find((c) => c.state.pc.playbookIndex === dominant?.index);
    if (best) {
      const others = a.causes
        .filter((c) => c !== best.state)
        .slice(0, 2)
        .map((c) => `'${c.pc.cause.name}' (${pct(c.confidence)})`);
      return {
        action: best.check.check.action,
        why: `No strong match: the evidence is spread over several causes. This check tells '${best.state.pc.cause.name}' (${pct(best.state.confidence)}) apart from ${others.join(' and ') || 'the rest'}: it points to it if ${best.check.check.confirmsIf}.`,
      };
    }
    return gatherStart(a, top);
  }
  if (top) {
    // The likeliest kind of problem first, then the rest; within each, the likeliest cause first.
    const ordered = [
      ...a.causes.filter((c) => c.pc.playbookIndex === dominant?.index),
      ...a.causes.filter((c) => c.pc.playbookIndex !== dominant?.index),
    ];
    for (const state of ordered) {
      const best = cands.find((c) => c.state === state);
      if (best) {
        const lead =
          state === top
            ? 'Most likely cause'
            : state === ordered[0]
              ? `Most likely kind of problem: '${state.pc.playbook.title}'; its leading cause`
              : 'Top cause has no untried checks; next candidate';
        return {
          action: best.check.check.action,
          why: `${lead}: '${state.pc.cause.name}' (${pct(state.confidence)}); this check points to it if ${best.check.check.confirmsIf}.`,
        };
      }
      // Only a cause whose checks were all done earns "try its fix" (a cause may have no candidate
      // here just because it is not worth planning for).
      if (!state.pc.checks.every((k) => isCheckTried(a, k))) continue;
      const stateFix = state.pc.fixes.find((f) => !isFixTried(a, f));
      if (stateFix)
        return {
          action: stateFix.text,
          why: `Every check for '${state.pc.cause.name}' (${pct(state.confidence)}) is done and it is still the best candidate; try its fix.`,
        };
    }
  }
  return gatherStart(a, top);
}

function gatherStart(a: SessionAnalysis, top: CauseState | undefined): StartHere {
  const kinds = [...new Set(a.causes.slice(0, 4).map((c) => c.pc.playbook.title))].slice(0, 2);
  const lead = top
    ? `No strong match: it could be ${kinds.map((k) => `'${k}'`).join(' or ')}, and the description says little either explains`
    : 'No playbook matches the description yet';
  const generic = GATHER_START.find((g) => !isTextTried(a, g.action));
  if (generic) return { action: generic.action, why: `${lead}; ${generic.why}` };
  // Everything is exhausted: the step count makes this action differ from any logged step.
  return {
    action: `Review the ${a.steps.length} logged steps and outcomes with a senior colleague and decide whether to escalate`,
    why: 'Every playbook check and fix for the candidate causes has been tried; a fresh pair of eyes is the next step.',
  };
}

function historyFixTried(a: SessionAnalysis, sb: SeenBefore): boolean {
  const fix = caseFix(sb);
  const tokens = new Set(tokenize(fix));
  return isTextTried(a, fix, tokens) || a.steps.some((st) => rareOverlap(a, st, tokens));
}

/** Names a logged step: "Step 'x' (failed)" or "Note 'x' (info)". */
export function entryLabel(st: LoggedStep): string {
  return st.entry.kind === 'note' ? 'Note' : 'Step';
}

export function quoteStep(st: LoggedStep): string {
  return `'${clip(st.entry.text)}' (${st.outcome})`;
}
