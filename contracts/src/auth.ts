import { z } from 'zod';
import { ZId, ZRole, ZTier } from './common.js';

const email = z.email('must be a valid email address').max(254);
const password = z.string().min(8, 'must have at least 8 characters').max(200);
const name = z.string().trim().min(1, 'is required').max(120);

export const ZSignupBody = z.object({
  accountName: z.string().trim().min(1, 'is required').max(120),
  name,
  email,
  password,
});
export type TSignupBody = z.infer<typeof ZSignupBody>;

export const ZLoginBody = z.object({
  email: z.string().trim().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(200),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

export const ZUser = z.object({ id: ZId, name: z.string(), email: z.string(), role: ZRole, tier: ZTier });
export type TUser = z.infer<typeof ZUser>;
export const ZAccount = z.object({ id: ZId, name: z.string() });
export type TAccount = z.infer<typeof ZAccount>;

export const ZMe = z.object({ user: ZUser, account: ZAccount, demo: z.boolean().optional() });
export type TMe = z.infer<typeof ZMe>;

export const ZUsersResponse = z.object({ users: z.array(ZUser) });

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
export const ZAcceptInvitationBody = z.object({ name, password });
export type TAcceptInvitationBody = z.infer<typeof ZAcceptInvitationBody>;

export const ZPatchUserBody = z
  .object({ role: ZRole.optional(), tier: ZTier.optional() })
  .refine((b) => b.role !== undefined || b.tier !== undefined, { message: 'role or tier is required' });
export type TPatchUserBody = z.infer<typeof ZPatchUserBody>;

export const ZDemoInfo = z.object({
  demo: z.boolean(),
  signIns: z.array(
    z.object({ role: ZRole, name: z.string(), email: z.string(), password: z.string(), tier: ZTier }),
  ),
});
export type TDemoInfo = z.infer<typeof ZDemoInfo>;
