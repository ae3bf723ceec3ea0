import { z } from 'zod';
import { ZAssistantReply } from './assistant.js';
import { ZId, ZMultilineText, ZOptionalMultilineText, ZOptionalText, ZText, ZUserRef } from './common.js';
import { ZCan } from './permissions.js';
import { ZPsaPostOptions } from './psa.js';

export const ZOutcome = z.enum(['worked', 'failed', 'partial', 'info']);
export type TOutcome = z.infer<typeof ZOutcome>;
export const ZSessionStatus = z.enum(['active', 'escalated', 'resolved']);
export type TSessionStatus = z.infer<typeof ZSessionStatus>;

export const ZCreateSessionBody = z.object({
  title: ZText(200),
  problem: ZMultilineText(5000),
  customer: ZOptionalText(200),
  asset: ZOptionalText(200),
  category: ZOptionalText(80),
});
export type TCreateSessionBody = z.input<typeof ZCreateSessionBody>;

export const ZListSessionsQuery = z.object({
  status: ZSessionStatus.optional(),
  /** `me` or a user id. */
  owner: ZId.optional(),
  q: ZOptionalText(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZStepBody = z.object({
  action: ZMultilineText(500),
  outcome: ZOutcome,
  detail: ZOptionalMultilineText(5000),
});
export type TStepBody = z.input<typeof ZStepBody>;
export const ZNoteBody = z.object({ text: ZMultilineText(5000) });
export const ZAssistantMessageBody = z.object({ text: ZMultilineText(4000) });
/** At most one week of work on one session (minutes). */
export const MINUTES_WORKED_MAX = 10_080;
/** The longest ticket note the server saves (characters of plain text). */
export const NOTE_MAX = 20_000;
export const ZMinutesWorked = z
  .number()
  .int('must be a whole number of minutes')
  .min(0, 'must be at least 0')
  .max(MINUTES_WORKED_MAX, `can be at most ${MINUTES_WORKED_MAX} minutes (one week)`);
/** The ticket note the technician reviewed (contracts/src/notes.ts), as it is saved with a resolve. */
export const ZResolutionNoteInput = z.object({
  text: ZMultilineText(NOTE_MAX),
  minutesWorked: ZMinutesWorked,
});

/**
 * Resolve. `note` is the ticket note as the technician reviewed and edited it; without it the
 * server saves the note it generates (older clients keep working).
 */
export const ZResolveBody = z.object({
  resolution: ZMultilineText(5000),
  rootCause: ZOptionalMultilineText(2000),
  note: ZResolutionNoteInput.optional(),
  /** Post the note to the session's linked PSA ticket, with an optional status and time entry. */
  psa: ZPsaPostOptions.optional(),
});
export type TResolveBody = z.input<typeof ZResolveBody>;

export const ZTimelineKind = z.enum([
  'step',
  'note',
  'assistant_user',
  'assistant_reply',
  'resolution',
  'handoff',
]);
export const ZTimelineEntry = z.object({
  id: ZId,
  kind: ZTimelineKind,
  text: z.string(),
  outcome: ZOutcome.nullable(),
  detail: z.string().nullable(),
  author: ZUserRef.nullable(),
  at: z.string(),
});
export type TTimelineEntry = z.infer<typeof ZTimelineEntry>;

export const ZSessionSummary = z.object({
  id: ZId,
  title: z.string(),
  problem: z.string(),
  customer: z.string().nullable(),
  asset: z.string().nullable(),
  category: z.string().nullable(),
  status: ZSessionStatus,
  owner: ZUserRef,
  createdBy: ZUserRef,
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  stepCount: z.number().int(),
});
export type TSessionSummary = z.infer<typeof ZSessionSummary>;

export const ZSessionDetail = ZSessionSummary.extend({
  timeline: z.array(ZTimelineEntry),
  /** The session's open or claimed handoff, if any (at most one exists). */
  activeHandoffId: ZId.nullable(),
  /** What the caller may do with this session (`claim`, `release` and `cancel` concern its active handoff). */
  can: ZCan,
});
export type TSessionDetail = z.infer<typeof ZSessionDetail>;

export const ZSessionsResponse = z.object({ sessions: z.array(ZSessionSummary) });
export const ZSessionResponse = z.object({ session: ZSessionDetail });

/** `POST /api/sessions/{id}/assistant/messages`: the reply, and the session with both chat entries. */
export const ZAssistantMessageResponse = z.object({ reply: ZAssistantReply, session: ZSessionDetail });
export type TAssistantMessageResponse = z.infer<typeof ZAssistantMessageResponse>;
