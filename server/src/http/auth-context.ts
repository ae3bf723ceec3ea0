import type { TRole } from '@rf/contracts';
import { ROLE_RANK } from '@rf/contracts';
import type { FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../errors.js';

export interface AuthUser {
  id: string;
  accountId: string;
  name: string;
  email: string;
  role: TRole;
  tier: number;
}
export interface AuthContext {
  user: AuthUser;
  account: { id: string; name: string };
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The one place roles are checked: viewer < engineer < admin < owner. */
export function hasRole(user: Pick<AuthUser, 'role'>, min: TRole): boolean {
  return ROLE_RANK[user.role] >= ROLE_RANK[min];
}

/**
 * Who may hand out a role, by invitation or by a role change: an admin any role below owner, and
 * only an owner the owner role. An invitation is also accepted only while its sender still may.
 */
export function mayGrantRole(grantor: Pick<AuthUser, 'role'>, role: TRole): boolean {
  return hasRole(grantor, 'admin') && (role !== 'owner' || grantor.role === 'owner');
}

export function requireAuth(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('unauthenticated', 401, 'Sign in to continue');
  return req.auth;
}

export function requireRole(req: FastifyRequest, min: TRole): AuthContext {
  const auth = requireAuth(req);
  if (!hasRole(auth.user, min)) throw forbidden(`This needs the ${min} role or higher`);
  return auth;
}
