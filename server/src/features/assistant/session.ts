/** What the engine reads: a session, its timeline, and the account's resolved cases. */

export interface EngineTimelineEntry {
  id: string;
  kind: 'step' | 'note' | 'assistant_user' | 'assistant_reply' | 'resolution' | 'handoff';
  text: string;
  outcome: 'worked' | 'failed' | 'partial' | 'info' | null;
  detail: string | null;
  at: string /* ISO */;
}

/** A resolved session of the same account: its problem, the step that worked, and the resolution. */
export interface HistoryCase {
  sessionId: string;
  title: string;
  problem: string;
  customer: string | null;
  resolvedAt: string /* ISO */;
  resolution: string;
  /** The last step logged as worked before the session was resolved, if any. */
  fixStep: string | null;
  /** The knowledge-base cause (`playbookId/causeId`) the case was resolved as, when the engine knew it. */
  causeKey: string | null;
}

export interface EngineSession {
  title: string;
  problem: string;
  customer: string | null;
  asset: string | null;
  category: string | null;
  timeline: EngineTimelineEntry[];
  /** Resolved cases of the session's own account (never another account's); optional. */
  history?: readonly HistoryCase[];
}

export type StepOutcome = 'worked' | 'failed' | 'partial' | 'info';
