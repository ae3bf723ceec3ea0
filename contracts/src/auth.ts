import { z } from 'zod';
import { ZId, ZRole, ZSecret, ZText, ZTier } from './common.js';

// Trimmed first, so a pasted address with a trailing space is still an address.
export const ZEmailAddress = ZText(254).pipe(z.email('must be a valid email address'));
const email = ZEmailAddress;

export const PASSWORD_MIN = 8;
/** Fewer different characters than this ("aaaaaaaa", "abababab", "12121212") is a pattern, not a password. */
export const PASSWORD_MIN_DISTINCT = 5;
/**
 * The most common passwords of 8 characters or more (from the public breach lists), and this
 * product's name: the first ones anybody tries. Compared without case. Short on purpose: the
 * aim is to stop the obvious, not to ship a dictionary.
 */
// biome-ignore format: a list, kept dense
const COMMON_PASSWORDS = new Set([
  '12345678', '123456789', '1234567890', '0987654321', '87654321', '12341234', '123123123',
  '11223344', '123456789a', 'a123456789', '1234abcd', 'abcd1234', 'abc12345', 'abcdefgh',
  'password', 'password1', 'password12', 'password123', 'password!', 'passw0rd', 'p@ssw0rd',
  'p@ssword', 'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty12', '1q2w3e4r', '1q2w3e4r5t',
  'q1w2e3r4', '1qaz2wsx', 'zaq12wsx', '1qaz2wsx3edc', 'asdfghjk', 'asdfghjkl', 'asdf1234',
  'zxcvbnm1', 'iloveyou', 'iloveyou1', 'sunshine', 'princess', 'football', 'baseball', 'superman',
  'starwars', 'trustno1', 'letmein1', 'welcome1', 'welcome123', 'whatever', 'computer', 'internet',
  'changeme', 'administrator', 'admin123', 'adminadmin', 'michael1', 'jennifer', 'liverpool',
  'chelsea1', 'dragon12', 'monkey12', 'master12', 'shadow12', 'football1', 'secret123',
  'resolutionflow', 'resolution',
]);

/**
 * A new password (sign-up, accepting an invitation): taken as typed (not trimmed), at least 8
 * characters, and not a password anyone would guess first: not only spaces, not one of the most
 * common passwords, not fewer than 5 different characters. NUL and broken Unicode are refused as
 * everywhere. Sign-in takes any password (`ZSecret`), so one set under older rules still works.
 */
export const ZNewPassword = ZSecret(200)
  .min(PASSWORD_MIN, `must have at least ${PASSWORD_MIN} characters`)
  .check((ctx) => {
    const v = ctx.value;
    if (v.length < PASSWORD_MIN) return;
    const problem =
      v.trim() === ''
        ? 'cannot be only spaces'
        : COMMON_PASSWORDS.has(v.toLowerCase())
          ? 'is one of the most common passwords: choose one that is harder to guess'
          : new Set(v).size < PASSWORD_MIN_DISTINCT
            ? `must use at least ${PASSWORD_MIN_DISTINCT} different characters`
            : null;
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: v, continue: false });
  });
const password = ZNewPassword;
const name = ZText(120);

export const ZSignupBody = z.object({
  accountName: ZText(120),
  name,
  email,
  password,
});
export type TSignupBody = z.infer<typeof ZSignupBody>;

export const ZLoginBody = z.object({
  email: ZText(254),
  password: ZSecret(200),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

export const ZUser = z.object({ id: ZId, name: z.string(), email: z.string(), role: ZRole, tier: ZTier });
export type TUser = z.infer<typeof ZUser>;
export const ZAccount = z.object({ id: ZId, name: z.string() });
export type TAccount = z.infer<typeof ZAccount>;

export const ZMe = z.object({ user: ZUser, account: ZAccount, demo: z.boolean().optional() });
export type TMe = z.infer<typeof ZMe>;

export const ZUsersResponse = z.object({ users: z.array(ZUser) });
export const ZUserResponse = z.object({ user: ZUser });

/** What sign-up, sign-in and accepting an invitation answer (with the session cookie). */
export const ZAuthResponse = z.object({ user: ZUser, account: ZAccount });
export type TAuthResponse = z.infer<typeof ZAuthResponse>;

/** The same answer under its older name. */
export const ZSignedIn = ZAuthResponse;
export type TSignedIn = TAuthResponse;

/** Escalation targets: the engineer-or-admin teammates, visible to every signed-in user (no e-mails). */
export const ZTeammate = z.object({ id: ZId, name: z.string(), role: ZRole, tier: ZTier });
export type TTeammate = z.infer<typeof ZTeammate>;
export const ZTeammatesResponse = z.object({ teammates: z.array(ZTeammate) });

export const ZInvitationBody = z.object({ email, role: ZRole, tier: ZTier });
export type TInvitationBody = z.infer<typeof ZInvitationBody>;
export const ZInvitation = z.object({ id: ZId, email: z.string(), role: ZRole, tier: ZTier });
export const ZInvitationResponse = z.object({
  invitation: ZInvitation,
  token: z.string(),
  acceptUrl: z.string(),
});
export type TInvitationResponse = z.infer<typeof ZInvitationResponse>;
export const ZPendingInvitations = z.object({
  invitations: z.array(ZInvitation.extend({ createdAt: z.string(), expiresAt: z.string() })),
});
/** `GET /api/invitations/{token}`: what the accept page shows before the invitee signs up. */
export const ZInvitationLookup = z.object({
  invitation: z.object({ email: z.string(), role: ZRole, tier: ZTier }),
  account: z.object({ name: z.string() }),
});
export const ZAcceptInvitationBody = z.object({ name, password });
export type TAcceptInvitationBody = z.infer<typeof ZAcceptInvitationBody>;

export const ZPatchUserBody = z
  .object({ role: ZRole.optional(), tier: ZTier.optional() })
  .refine((b) => b.role !== undefined || b.tier !== undefined, {
    message: 'Choose a role or a tier to change',
    path: ['role'],
  });
export type TPatchUserBody = z.infer<typeof ZPatchUserBody>;

export const ZDemoInfo = z.object({
  demo: z.boolean(),
  signIns: z.array(
    z.object({ role: ZRole, name: z.string(), email: z.string(), password: z.string(), tier: ZTier }),
  ),
});
export type TDemoInfo = z.infer<typeof ZDemoInfo>;
