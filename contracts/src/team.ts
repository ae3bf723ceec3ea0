import { z } from 'zod';
import { ZEmailAddress, ZNewPassword } from './auth.js';
import { ZSecret } from './common.js';

/** `POST /api/me/password`: the current password (as signed in with) and the new one. */
export const ZChangePasswordBody = z.object({
  currentPassword: ZSecret(200),
  newPassword: ZNewPassword,
});
export type TChangePasswordBody = z.input<typeof ZChangePasswordBody>;

/** `POST /api/auth/password-reset`: the address to send a reset link to (202 whether or not it has an account). */
export const ZPasswordResetRequestBody = z.object({ email: ZEmailAddress });
export type TPasswordResetRequestBody = z.infer<typeof ZPasswordResetRequestBody>;

/** `GET /api/auth/password-reset/{token}`: whose password the link resets (the reset page shows it). */
export const ZPasswordResetLookup = z.object({ email: z.string() });

/** `POST /api/auth/password-reset/{token}`: the new password. */
export const ZPasswordResetBody = z.object({ password: ZNewPassword });
export type TPasswordResetBody = z.input<typeof ZPasswordResetBody>;

/** What a reset request answers, whatever the address: the same words for every address. */
export const ZPasswordResetRequested = z.object({ message: z.string() });
