import { z } from 'zod';
import { ZFieldError } from './common.js';

/**
 * Every error code the API answers with, and nothing else: the server's `AppError` only takes
 * these, and clients switch on them (never on messages). Adding a code is a contract change.
 */
export const ERROR_CODES = [
  // 400
  'invalid_input',
  'invalid_json',
  'bad_request',
  // 401
  'unauthenticated',
  'invalid_credentials',
  // 403
  'forbidden',
  'cross_site',
  // 404
  'not_found',
  // 409
  'already_claimed',
  'already_escalated',
  'own_escalation',
  'not_open',
  'not_claimed',
  'session_resolved',
  'email_taken',
  'last_owner',
  'idempotency_in_progress',
  /** A PSA action on an account without a PSA connection. */
  'psa_not_connected',
  // 410
  'invitation_used',
  'invitation_expired',
  /** The invitation's sender may no longer grant its role (demoted, or gone): it cannot be accepted. */
  'invitation_revoked',
  /** A "forgot password" link that expired, was used, or was ended by a newer one or a password change. */
  'reset_link_invalid',
  // 413, 415
  'body_too_large',
  'unsupported_media_type',
  // 422
  'idempotency_key_reused',
  // 429
  'rate_limited',
  /** `GET /api/events`: the user already holds as many live streams as a process allows. */
  'too_many_streams',
  // 5xx
  'internal',
  'unavailable',
  /** 502: the PSA (ConnectWise) did not answer or refused; the message says why in plain words. */
  'psa_unavailable',
] as const;
export const ZErrorCode = z.enum(ERROR_CODES);
export type TErrorCode = z.infer<typeof ZErrorCode>;

/** The one error shape: `{error:{code,message,field?,fields?}}`, plus a few documented extras. */
export const ZErrorBody = z.object({
  error: z.object({
    code: ZErrorCode,
    message: z.string(),
    /** The first bad field (400 `invalid_input`). */
    field: z.string().optional(),
    /** Every bad field with a message in plain words, in the order of the form. */
    fields: z.array(ZFieldError).optional(),
  }),
  /** 409 `already_claimed`: who holds the handoff. */
  claimedBy: z.object({ id: z.string(), name: z.string() }).optional(),
  /** 409 `already_escalated`: the session's active handoff, when known. */
  handoffId: z.string().optional(),
});
export type TErrorBody = z.infer<typeof ZErrorBody>;
