import { z } from 'zod';
import { ZId, ZOptionalMultilineText, ZOptionalText, ZTier, ZUserRef } from './common.js';
import { ZUrgency } from './handoffs.js';
import { ZMinutesWorked } from './sessions.js';

/**
 * Ticket notes (issue 15): the note a resolve or an escalation writes from the session's own log,
 * reviewed and edited by the technician before it is saved. The saved `body` is plain text that
 * pastes cleanly into any ticket tool; Markdown and HTML are exports of the same note.
 */
export const ZTicketNoteKind = z.enum(['resolution', 'escalation']);
export type TTicketNoteKind = z.infer<typeof ZTicketNoteKind>;

export const ZTicketNote = z.object({
  id: ZId,
  sessionId: ZId,
  handoffId: ZId.nullable(),
  kind: ZTicketNoteKind,
  body: z.string(),
  minutesWorked: z.number().int().nullable(),
  createdBy: ZUserRef,
  createdAt: z.string(),
});
export type TTicketNote = z.infer<typeof ZTicketNote>;
export const ZTicketNotesResponse = z.object({ notes: z.array(ZTicketNote) });

/**
 * `POST /api/sessions/{id}/notes/preview`: the note the session would write now, from what the
 * technician has typed so far (nothing is saved). Resolution previews read `resolution` and
 * `rootCause`; escalation previews read `reason`.
 */
export const ZNotePreviewBody = z.object({
  kind: ZTicketNoteKind,
  resolution: ZOptionalMultilineText(5000),
  rootCause: ZOptionalMultilineText(2000),
  reason: ZOptionalText(500),
  /** Resolution previews: the time worked as the technician set it (else: since the session started). */
  minutesWorked: ZMinutesWorked.optional(),
  /** Escalation previews: the urgency and routing chosen so far. */
  urgency: ZUrgency.optional(),
  targetTier: ZTier.nullish(),
  targetUserId: ZId.nullish(),
});
export type TNotePreviewBody = z.input<typeof ZNotePreviewBody>;
export const ZNotePreview = z.object({
  text: z.string(),
  markdown: z.string(),
  html: z.string(),
  minutesWorked: z.number().int(),
});
export type TNotePreview = z.infer<typeof ZNotePreview>;

export const ZNoteExportFormat = z.enum(['md', 'txt', 'html']);
export type TNoteExportFormat = z.infer<typeof ZNoteExportFormat>;
export const ZNoteExportQuery = z.object({ format: ZNoteExportFormat.default('txt') });
/** `:id` (the session) and `:noteId` path parameters. */
export const ZNoteParams = z.object({ id: ZId, noteId: ZId });
/** An export is the note's text in the asked format (sent as an attachment, not JSON). */
export const ZNoteExport = z.string();
