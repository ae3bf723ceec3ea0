import { z } from 'zod';
import { ZId, ZRole, ZText, ZTier } from './common.js';

// Trimmed first, so a pasted address with a trailing space is still an address.
const email = ZText(254).pipe(z.email('must be a valid email address'));
// Passwords are taken as typed (no trimming), but NUL and broken Unicode are refused like anywhere.
const password = ZText(200, { min: 8, trim: false });
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
  password: ZText(200, { trim: false }),
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
