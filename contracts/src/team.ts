import { z } from 'zod';
import { ZNewPassword } from './auth.js';
import { ZSecret } from './common.js';

/** `POST /api/me/password`: the current password (as signed in with) and the new one. */
export const ZChangePasswordBody = z.object({
  currentPassword: ZSecret(200),
  newPassword: ZNewPassword,
});
export type TChangePasswordBody = z.input<typeof ZChangePasswordBody>;
