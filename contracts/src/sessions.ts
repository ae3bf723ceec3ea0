import { z } from 'zod';
import { ZAssistantReply } from './assistant.js';
import { ZId, ZUserRef } from './common.js';
import { ZCan } from './permissions.js';

export const ZOutcome = z.enum(['worked', 'failed', 'partial', 'info']);
export type TOutcome = z.infer<typeof ZOutcome>;
export const ZSessionStatus = z.enum(['active', 'escalated', 'resolved']);
export type TSessionStatus = z.infer<typeof ZSessionStatus>;

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

export const ZCreateSessionBody = z.object({
  title: text(200),
  problem: text(5000),
  customer: optionalText(200),
  asset: optionalText(200),
  category: optionalText(80),
});
export type TCreateSessionBody = z.input<typeof ZCreateSessionBody>;

export const ZListSessionsQuery = z.object({
  status: ZSessionStatus.optional(),
  owner: z.union([z.literal('me'), ZId]).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZStepBody = z.object({ action: text(500), outcome: ZOutcome, detail: optionalText(5000) });
export type TStepBody = z.input<typeof ZStepBody>;
export const ZNoteBody = z.object({ text: text(5000) });
export const ZAssistantMessageBody = z.object({ text: text(4000) });
export const ZResolveBody = z.object({ resolution: text(5000) });

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
/** `POST /api/sessions/{id}/assistant/messages`: the reply and the session with both messages. */
export const ZAssistantMessageResponse = z.object({ reply: ZAssistantReply, session: ZSessionDetail });
export type TAssistantMessageResponse = z.infer<typeof ZAssistantMessageResponse>;
