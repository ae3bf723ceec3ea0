import { z } from 'zod';
import { ZId, ZText } from './common.js';

/**
 * PSA integration (issue 15): the account's ConnectWise PSA connection, the member mapping, a
 * session's linked ticket and the notes, status changes and time entries sent to it.
 */

/** `GET /api/integrations/connectwise`: never the keys (the public key's last 4 characters at most). */
export const ZPsaConnection = z.object({
  connected: z.boolean(),
  siteUrl: z.string().nullable(),
  companyId: z.string().nullable(),
  hasKeys: z.boolean(),
  publicKeyLast4: z.string().nullable(),
  /** Whether the server has its integration clientId (`CW_CLIENT_ID`). */
  clientIdConfigured: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type TPsaConnection = z.infer<typeof ZPsaConnection>;

const key = ZText(200, { trim: true });

/**
 * `PUT /api/integrations/connectwise`. The keys may be left out when a connection is saved
 * already: the saved ones stay (the browser never gets them back to send again).
 */
export const ZPsaConnectionBody = z.object({
  siteUrl: ZText(300),
  companyId: ZText(100),
  publicKey: key.optional(),
  privateKey: key.optional(),
});
export type TPsaConnectionBody = z.input<typeof ZPsaConnectionBody>;

/** `POST /api/integrations/connectwise/test`: the saved connection, or these unsaved values. */
export const ZPsaTestBody = ZPsaConnectionBody.partial();
export type TPsaTestBody = z.input<typeof ZPsaTestBody>;

export const ZPsaProblem = z.enum([
  'not_configured',
  'bad_keys',
  'unknown_company',
  'forbidden',
  'wrong_site',
  'no_network',
  'timeout',
  'rate_limited',
  'server_error',
  'refused_address',
]);
export type TPsaProblem = z.infer<typeof ZPsaProblem>;

/** Test connection answers 200 either way: a PSA that refuses is an answer for the admin. */
export const ZPsaTestResult = z.object({
  ok: z.boolean(),
  problem: ZPsaProblem.nullable(),
  /** In plain words: what works, or what is wrong and what to check. */
  message: z.string(),
  version: z.string().nullable(),
  durationMs: z.number(),
});
export type TPsaTestResult = z.infer<typeof ZPsaTestResult>;

export const ZPsaMember = z.object({
  id: z.number().int(),
  identifier: z.string(),
  name: z.string(),
  email: z.string().nullable(),
});
export type TPsaMember = z.infer<typeof ZPsaMember>;

/** One ResolutionFlow user and the PSA member their notes and time are attributed to. */
export const ZPsaMemberMapping = z.object({
  user: z.object({ id: ZId, name: z.string(), email: z.string(), role: z.string() }),
  member: ZPsaMember.nullable(),
  /** `manual`: an admin chose; `email`: found by e-mail; null: nobody matches. */
  source: z.enum(['manual', 'email']).nullable(),
});
export type TPsaMemberMapping = z.infer<typeof ZPsaMemberMapping>;

export const ZPsaMembersResponse = z.object({
  mappings: z.array(ZPsaMemberMapping),
  members: z.array(ZPsaMember),
  /** Why the PSA's member list could not be read (the saved overrides are still listed). */
  problem: z.string().nullable(),
});
export type TPsaMembersResponse = z.infer<typeof ZPsaMembersResponse>;

/** `PUT /api/integrations/connectwise/members`: a manual override; `memberId: null` back to e-mail. */
export const ZPsaMemberOverrideBody = z.object({
  userId: ZId,
  memberId: z.number().int().min(1).max(2_147_483_647).nullable(),
});

export const ZPsaTicketNumber = z
  .number({ message: 'must be a ticket number' })
  .int('must be a whole ticket number')
  .min(1, 'must be a ticket number')
  .max(2_147_483_647, 'is not a ticket number');

export const ZPsaTicketBody = z.object({ ticketId: ZPsaTicketNumber });

export const ZPsaStatus = z.object({ id: z.number().int(), name: z.string(), closed: z.boolean() });
export type TPsaStatus = z.infer<typeof ZPsaStatus>;

export const ZPsaTicketLink = z.object({
  provider: z.literal('connectwise'),
  ticketId: z.number().int(),
  summary: z.string(),
  company: z.string().nullable(),
  status: z.string().nullable(),
  board: z.string().nullable(),
  linkedBy: z.object({ id: ZId, name: z.string() }),
  linkedAt: z.string(),
});
export type TPsaTicketLink = z.infer<typeof ZPsaTicketLink>;

/** `GET/PUT /api/sessions/{id}/psa-ticket`. */
export const ZPsaTicketResponse = z.object({
  /** The account has a PSA connection (without one the session page shows no ticket panel). */
  connected: z.boolean(),
  link: ZPsaTicketLink.nullable(),
  /** The caller may link, change or remove (the session's writers). */
  canEdit: z.boolean(),
});
export type TPsaTicketResponse = z.infer<typeof ZPsaTicketResponse>;

export const ZPsaStatusesResponse = z.object({ statuses: z.array(ZPsaStatus) });
export type TPsaStatusesResponse = z.infer<typeof ZPsaStatusesResponse>;

export const ZPsaPostKind = z.enum(['note', 'status', 'time_entry']);
export const ZPsaPost = z.object({
  id: ZId,
  kind: ZPsaPostKind,
  /** Which note it belongs to. */
  noteKind: z.enum(['escalation', 'resolution']),
  ticketId: z.number().int(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /**
   * When a pending post is tried next. Null on a pending post: it waits for another operation of
   * its note (sent note, time entry, status; the label says "(waits for the note)").
   */
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  /** What was (or will be) sent, in words: "Internal note", "Status → Resolved", "Time 0.75 h". */
  label: z.string(),
});
export type TPsaPost = z.infer<typeof ZPsaPost>;
export const ZPsaPostsResponse = z.object({ posts: z.array(ZPsaPost), canRetry: z.boolean() });
export type TPsaPostsResponse = z.infer<typeof ZPsaPostsResponse>;

export const ZPsaRetryBody = z.object({ postId: ZId });

/**
 * `psa` on the resolve and escalate bodies: post the note to the linked ticket (default on when a
 * ticket is linked), optionally move the ticket to a status and add a time entry.
 */
export const ZPsaPostOptions = z.object({
  post: z.boolean(),
  statusId: z.number().int().min(1).max(2_147_483_647).nullable().optional(),
  statusName: ZText(100).optional(),
  timeEntry: z.boolean().optional(),
});
export type TPsaPostOptions = z.infer<typeof ZPsaPostOptions>;
