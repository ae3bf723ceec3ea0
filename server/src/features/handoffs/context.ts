/**
 * The immutable handoff snapshot, built from the session, its timeline and the assessment. A leaf
 * module: the handoff service builds it in the escalating transaction, and the notes feature
 * builds the same snapshot for the escalation note's preview (decision 004: services never
 * import services).
 */
import type { TAssessmentWithStart, THandoffContext, TTimelineEntry } from '@rf/contracts';
import { type EngineSession, suggestNextSteps } from '../assistant/engine.js';

/** How many of the built-in suggestions panel's actions a snapshot matches steps against. */
export const SUGGESTED_LIMIT = 50;

/** The actions the built-in suggestions panel lists for a session (up to SUGGESTED_LIMIT). */
export type SuggestedActions = (s: EngineSession) => readonly string[];
export const suggestedByEngine: SuggestedActions = (s) =>
  suggestNextSteps(s, SUGGESTED_LIMIT).suggestions.map((x) => x.action);

/** Builds the immutable handoff snapshot from the session, its timeline and the assessment. */
export function buildHandoffContext(opts: {
  session: EngineSession & { createdAt: Date };
  timeline: TTimelineEntry[];
  assessed: TAssessmentWithStart;
  reason: string;
  urgency: THandoffContext['problemSummary']['urgency'];
  now: Date;
  /** The engine by default; the demo seed passes what the build computed (seed-assessments.ts). */
  suggestedActions?: SuggestedActions;
  /**
   * The actions suggested for the session as it is now, when the caller has them already (the
   * escalation gets them from the analysis that assessed it: `assistant.assessForHandoff`).
   */
  suggestedNow?: readonly string[];
  /**
   * Whether each step was offered by the suggestions panel when it was logged, by entry id, as
   * recorded then (`suggestionMatcher`); a step without a record (null or absent: logged before
   * steps recorded it) is matched against the suggestions before the first step and now.
   */
  followed?: ReadonlyMap<string, boolean | null>;
}): THandoffContext {
  const { session, timeline, assessed } = opts;
  const suggest = opts.suggestedActions ?? suggestedByEngine;
  // "I did this" logs a suggested action as a step. The suggestions panel always comes from the
  // deterministic built-in engine. A step logged now records whether the panel offered it then;
  // for an older one, what the panel could have offered is taken as the union of its suggestions
  // before the first step and now (two rankings, not one per step: this runs under the session
  // lock), ranked only when such a step is there. Chat replies are conversation, not
  // suggestions: they are not listed.
  const offered = suggestionMatcher({ ...session, timeline }, suggest, opts.suggestedNow);
  const fromSuggestion = (e: TTimelineEntry) => opts.followed?.get(e.id) ?? offered(e.text);
  const tried: THandoffContext['tried'] = [];
  for (const e of timeline) {
    if (e.kind === 'step')
      tried.push({
        kind: 'step',
        text: e.text,
        outcome: e.outcome,
        at: e.at,
        detail: e.detail,
        ...(fromSuggestion(e) ? { followed: true } : {}),
      });
    else if (e.kind === 'note') tried.push({ kind: 'note', text: e.text, outcome: null, at: e.at });
  }
  return {
    problemSummary: {
      title: session.title,
      problem: session.problem,
      customer: session.customer,
      asset: session.asset,
      urgency: opts.urgency,
      reason: opts.reason,
      workedMinutes: Math.max(0, Math.round((opts.now.getTime() - session.createdAt.getTime()) / 60_000)),
    },
    tried,
    assessment: assessed.assessment,
    startHere: assessed.startHere,
  };
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Whether a logged step is an action the suggestions panel offered in this session: one of its
 * suggestions now, or before the first step ("I did this" logs the action's text; a technician
 * may add to it): the same text, or a text containing a suggestion of more than a few characters,
 * whitespace and case aside. Each list is ranked only when first needed, and once: the step
 * request asks about one step, the snapshot about each step logged before steps recorded it.
 * `now` is the current list when the caller has it already.
 */
export function suggestionMatcher(
  session: EngineSession,
  suggest: SuggestedActions = suggestedByEngine,
  now?: readonly string[],
): (step: string) => boolean {
  let current: string[] | undefined;
  let beforeFirstStep: string[] | undefined;
  const among = (s: string, actions: readonly string[]) =>
    actions.some((a) => a.length > 8 && (s === a || s.includes(a)));
  return (step) => {
    const s = normalise(step);
    current ??= (now ?? suggest(session)).map(normalise);
    if (among(s, current)) return true;
    if (session.timeline.length === 0) return false; // the same ranking as now
    beforeFirstStep ??= suggest({ ...session, timeline: [] }).map(normalise);
    return among(s, beforeFirstStep);
  };
}
