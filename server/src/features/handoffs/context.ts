/**
 * The immutable handoff snapshot, built from the session, its timeline and the assessment. A leaf
 * module: the handoff service builds it in the escalating transaction, and the notes feature
 * builds the same snapshot for the escalation note's preview (decision 004: services never
 * import services).
 */
import type { TAssessmentWithStart, THandoffContext, TTimelineEntry } from '@rf/contracts';
import { type EngineSession, suggestNextSteps } from '../assistant/engine.js';

/** The actions the built-in suggestions panel lists for a session (up to 50). */
export type SuggestedActions = (s: EngineSession) => readonly string[];
export const suggestedByEngine: SuggestedActions = (s) =>
  suggestNextSteps(s, 50).suggestions.map((x) => x.action);

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
}): THandoffContext {
  const { session, timeline, assessed } = opts;
  const suggest = opts.suggestedActions ?? suggestedByEngine;
  // "I did this" logs a suggested action as a step. The suggestions panel always comes from the
  // deterministic built-in engine, so what it could have offered in this session is the union of
  // its suggestions before the first step and now (two rankings, not one per step: this runs
  // under the session lock). Chat replies are conversation, not suggestions: they are not listed.
  const suggested = [...suggest({ ...session, timeline: [] }), ...suggest({ ...session, timeline })].map(
    normalise,
  );
  const fromSuggestion = (step: string) => {
    const s = normalise(step);
    return suggested.some((a) => a.length > 8 && (s === a || s.includes(a)));
  };
  const tried: THandoffContext['tried'] = [];
  for (const e of timeline) {
    if (e.kind === 'step')
      tried.push({
        kind: 'step',
        text: e.text,
        outcome: e.outcome,
        at: e.at,
        detail: e.detail,
        ...(fromSuggestion(e.text) ? { followed: true } : {}),
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
