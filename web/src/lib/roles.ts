import { ROLE_RANK, type TRole } from '@rf/contracts';

export const isEngineerOrAdmin = (role: TRole) => ROLE_RANK[role] >= ROLE_RANK.engineer;
export const isAdmin = (role: TRole) => ROLE_RANK[role] >= ROLE_RANK.admin;

export const ROLE_LABEL: Record<TRole, string> = {
  viewer: 'Viewer',
  engineer: 'Engineer',
  admin: 'Admin',
  owner: 'Owner',
};
