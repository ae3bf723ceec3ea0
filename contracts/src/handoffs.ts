import { z } from 'zod';
import { ZAssessment, ZStartHere } from './assistant.js';
import { ZId, ZMultilineText, ZText, ZTier, ZUserRef } from './common.js';
import { ZCan } from './permissions.js';
import { ZPsaPostOptions } from './psa.js';
import { NOTE_MAX, ZOutcome, ZSessionSummary } from './sessions.js';

export const ZUrgency = z.enum(['low', 'normal', 'high', 'critical']);
export type TUrgency = z.infer<typeof ZUrgency>;
export const ZHandoffStatus = z.enum(['open', 'claimed', 'cancelled', 'resolved']);
export type THandoffStatus = z.infer<typeof ZHandoffStatus>;

/** The escalation's ticket note as the technician reviewed it (contracts/src/notes.ts). */
export const ZEscalationNoteInput = z.object({ text: ZMultilineText(NOTE_MAX) });

export const ZCreateHandoffBody = z
  .object({
    intent: z.literal('escalate'),
    reason: ZText(500),
    urgency: ZUrgency,
    targetTier: ZTier.nullish(),
    targetUserId: ZId.nullish(),
    /** The escalation's ticket note as reviewed; without it the generated note is saved. */
    note: ZEscalationNoteInput.optional(),
    /** Post the escalation note to the session's linked PSA ticket (status and time optional). */
    psa: ZPsaPostOptions.optional(),
  })
  .refine((b) => !(b.targetTier != null && b.targetUserId != null), {
    message: 'Choose a target tier or a teammate, not both',
    path: ['targetUserId'],
  });
export type TCreateHandoffBody = z.input<typeof ZCreateHandoffBody>;

export const ZHandoffContext = z.object({
  problemSummary: z.object({
    title: z.string(),
    problem: z.string(),
    customer: z.string().nullable(),
    asset: z.string().nullable(),
    urgency: ZUrgency,
    reason: z.string(),
    workedMinutes: z.number(),
  }),
  tried: z.array(
    z.object({
      kind: z.enum(['step', 'note', 'suggestion']),
      text: z.string(),
      outcome: ZOutcome.nullable(),
      at: z.string(),
      detail: z.string().nullable().optional(),
      followed: z.boolean().optional(),
    }),
  ),
  assessment: ZAssessment,
  startHere: ZStartHere,
});
export type THandoffContext = z.infer<typeof ZHandoffContext>;

export const ZAuditEntry = z.object({
  id: ZId,
  action: z.enum(['created', 'claimed', 'released', 'cancelled', 'first_action', 'resolved']),
  actor: ZUserRef.nullable(),
  at: z.string(),
});
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

/** A handoff as every member of the account sees it (live events carry this: they are broadcast). */
export const ZHandoffBase = z.object({
  id: ZId,
  sessionId: ZId,
  intent: z.literal('escalate'),
  status: ZHandoffStatus,
  reason: z.string(),
  urgency: ZUrgency,
  targetTier: ZTier.nullable(),
  targetUserId: ZId.nullable(),
  createdBy: ZUserRef,
  createdAt: z.string(),
  claimedBy: ZUserRef.nullable(),
  claimedAt: z.string().nullable(),
  firstActionAt: z.string().nullable(),
  waitingSeconds: z.number(),
  /** Denormalised for queue cards. */
  session: z.object({ title: z.string(), customer: z.string().nullable(), asset: z.string().nullable() }),
});
export type THandoffBase = z.infer<typeof ZHandoffBase>;

/** A handoff as an API response presents it to the caller: with what the caller may do. */
export const ZHandoff = ZHandoffBase.extend({ can: ZCan });
export type THandoff = z.infer<typeof ZHandoff>;

/**
 * An LLM assessment that arrived after the escalation had already been answered with the built-in
 * one. It is added next to the snapshot (which never changes), never instead of it.
 */
export const ZLlmAssessment = z.object({
  assessment: ZAssessment,
  startHere: ZStartHere,
  addedAt: z.string(),
});
export type TLlmAssessment = z.infer<typeof ZLlmAssessment>;

export const ZHandoffWithContext = ZHandoff.extend({
  context: ZHandoffContext,
  /** Null until (and unless) a configured LLM answers; the built-in `context.assessment` stays. */
  llmAssessment: ZLlmAssessment.nullable(),
  audit: z.array(ZAuditEntry),
});
export type THandoffWithContext = z.infer<typeof ZHandoffWithContext>;

export const ZListHandoffsQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').map((p) => p.trim());
      const parsed = z.array(ZHandoffStatus).safeParse(parts);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'must be open, claimed, cancelled or resolved' });
        return z.NEVER;
      }
      return parsed.data;
    }),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/**
 * `POST /api/handoffs/{id}/release` takes an optional body: `claimedById` is the claim the caller
 * saw; if someone else holds the handoff by now, nothing is released (409 `not_claimed`).
 */
export const ZReleaseBody = z.object({ claimedById: ZId.optional() });
export type TReleaseBody = z.infer<typeof ZReleaseBody>;

export const ZHandoffsResponse = z.object({ handoffs: z.array(ZHandoff) });
export const ZHandoffResponse = z.object({ handoff: ZHandoffWithContext });

export const ZNotificationChannel = z.enum(['in_app', 'email', 'webhook']);
export const ZNotificationStatus = z.enum(['pending', 'sent', 'failed', 'skipped']);
export const ZNotificationRow = z.object({
  id: ZId,
  channel: ZNotificationChannel,
  /** `escalate` for the escalation itself, `reminder` for a reminder round (`round` 1..3). */
  intent: z.enum(['escalate', 'reminder', 'invitation']),
  round: z.number().int().nullable(),
  recipientId: ZId.nullable(),
  recipient: ZUserRef.nullable(),
  status: ZNotificationStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export type TNotificationRow = z.infer<typeof ZNotificationRow>;
export const ZNotificationsResponse = z.object({ notifications: z.array(ZNotificationRow) });

export const ZEventType = z.enum([
  'handoff.created',
  'handoff.claimed',
  'handoff.released',
  'handoff.cancelled',
  'handoff.first_action',
  /** A late LLM assessment was added to the handoff (`GET /api/handoffs/{id}` shows it). */
  'handoff.assessment_added',
  'handoff.resolved',
  'session.created',
  'session.updated',
  /** A stopwatch baseline was recorded or deleted (the analytics change). */
  'baseline.changed',
]);
export type TEventType = z.infer<typeof ZEventType>;
/**
 * The `data:` of one live event: the handoff as `GET /api/handoffs/{id}` shows it without
 * `context` and `audit` (and without the per-caller `can`: one event goes to every subscriber of
 * the account), or the session summary.
 */
export const ZLiveEvent = z.object({
  type: ZEventType,
  handoff: ZHandoffBase.optional(),
  session: ZSessionSummary.optional(),
});
export type TLiveEvent = z.infer<typeof ZLiveEvent>;
