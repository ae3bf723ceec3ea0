import { z } from 'zod';

export const ZId = z.string().min(1).max(64);

export const ZRole = z.enum(['viewer', 'engineer', 'admin', 'owner']);
export type TRole = z.infer<typeof ZRole>;
export const ROLE_RANK: Record<TRole, number> = { viewer: 0, engineer: 1, admin: 2, owner: 3 };

export const ZTier = z.number().int().min(1).max(3);

export const ZUserRef = z.object({ id: ZId, name: z.string() });
export type TUserRef = z.infer<typeof ZUserRef>;
