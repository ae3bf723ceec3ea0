/**
 * Team management that ends access: removing a teammate, revoking an invitation, changing one's own
 * password. Each one ends what it must at once (sign-ins, live streams, claims) in its unit of work
 * (decision 028).
 */
import type { TChangePasswordBody, TPasswordResetBody, TPasswordResetRequestBody } from '@rf/contracts';
import { inTransaction } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { AppError, conflict, forbidden, notFound } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import * as authRepo from '../auth/repo.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';
import { passwordResetLink } from '../notifications/links.js';
import { queuePasswordResetEmail } from '../notifications/outbox.js';
import * as limiter from '../rate-limit/limiter.js';
import * as repo from './repo.js';

/**
 * Removes a teammate: they are signed out everywhere at once (streams too) and cannot sign in
 * again; returns the escalations they had picked up, which go back to the queue; their sessions, steps and audit
 * entries stay under their name. An owner may remove anyone but themselves; an admin anyone but an
 * owner. The last owner cannot be removed (there is then no one else to remove them).
 */
export async function removeUser(deps: Deps, actor: AuthUser, userId: string): Promise<string[]> {
  if (userId === actor.id) {
    throw forbidden('You cannot remove yourself: ask another admin or owner of your team');
  }
  const claimed = await inTransaction(deps, async (work) => {
    // The account row first (as every team change does), then the user: one fixed lock order.
    await authRepo.lockAccount(work.tx, actor.accountId);
    // The actor as they are now, under the lock: someone removed or demoted while this request
    // waited for it acts no more (two admins removing each other leave one of them).
    const me = await authRepo.findUser(work.tx, actor.accountId, actor.id);
    if (!me || me.deactivatedAt) throw new AppError('unauthenticated', 401, 'Sign in to continue');
    if (!hasRole(me, 'admin')) throw forbidden('This needs the admin role or higher');
    const target = await authRepo.findUser(work.tx, actor.accountId, userId);
    if (!target || target.deactivatedAt) throw notFound('User');
    if (target.role === 'owner') {
      if (me.role !== 'owner') throw forbidden('Only an owner can remove an owner');
      if ((await authRepo.countOwners(work.tx, actor.accountId)) <= 1) {
        throw conflict('last_owner', 'The last owner cannot be removed');
      }
    }
    await repo.deactivateUser(work.tx, actor.accountId, userId, deps.clock());
    await repo.endPasswordResets(work.tx, userId, deps.clock());
    await repo.deleteSignIns(work.tx, userId);
    work.closeStreams({ userId });
    return repo.claimedBy(work.tx, actor.accountId, userId);
  });
  // The escalations they had picked up: the route releases them (handoffs' own transition).
  return claimed;
}

/** Withdraws a pending invitation: its link stops working. Revoking it twice is fine. */
export async function revokeInvitation(deps: Deps, actor: AuthUser, invitationId: string): Promise<void> {
  const inv = await repo.findInvitation(deps.db.db, actor.accountId, invitationId);
  if (!inv) throw notFound('Invitation');
  if (inv.acceptedAt) throw conflict('invitation_used', 'This invitation was already accepted');
  if (inv.revokedAt) return;
  if (!(await repo.revokeInvitation(deps.db.db, actor.accountId, invitationId, deps.clock()))) {
    // Accepted between the read and the update.
    throw conflict('invitation_used', 'This invitation was already accepted');
  }
}

/**
 * Changes the caller's password, given the current one. Every other sign-in of theirs ends (a
 * leaked password stops working everywhere); this one stays. Wrong current passwords are counted
 * like sign-in failures, so this is no way around the sign-in limit.
 */
export async function changePassword(
  deps: Deps,
  auth: { user: AuthUser; sessionId: string },
  body: TChangePasswordBody,
): Promise<void> {
  await limiter.take(
    deps,
    [{ policy: 'loginEmail', key: `password:${auth.user.id}` }],
    (wait) => `Too many attempts. Try again in ${wait}.`,
  );
  const user = await authRepo.findUser(deps.db.db, auth.user.accountId, auth.user.id);
  if (!user) throw notFound('User');
  if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
    throw new AppError('invalid_input', 400, 'currentPassword: this is not your current password', {
      field: 'currentPassword',
    });
  }
  if (body.newPassword === body.currentPassword) {
    throw new AppError('invalid_input', 400, 'newPassword: must differ from the current password', {
      field: 'newPassword',
    });
  }
  const hashed = await hashPassword(body.newPassword);
  await inTransaction(deps, async (work) => {
    await repo.setPassword(work.tx, auth.user.id, hashed);
    // A "forgot password" link sent before the change no longer works.
    await repo.endPasswordResets(work.tx, auth.user.id, deps.clock());
    for (const sessionId of await repo.deleteOtherSignIns(work.tx, auth.user.id, auth.sessionId)) {
      work.closeStreams({ sessionId });
    }
  });
}

// ---- "forgot password" (decision 029) -------------------------------------------------------------

/** How long a reset link works. */
export const PASSWORD_RESET_MINUTES = 60;

/** The same answer for every address, so that the form tells nobody who has an account. */
export const PASSWORD_RESET_REQUESTED =
  'If an account uses this address, we have sent it a link to choose a new password. The link works for an hour.';

const linkGone = () =>
  new AppError(
    'reset_link_invalid',
    410,
    'This password-reset link has expired or was already used. Ask for a new one.',
  );

/**
 * Sends a reset link to the address when an active teammate uses it; does nothing otherwise. The
 * limits count the address typed in and the client's address, never whether an account exists.
 * A new link ends the older ones.
 */
export async function requestPasswordReset(deps: Deps, body: TPasswordResetRequestBody, ip: string) {
  const email = body.email.trim().toLowerCase();
  await limiter.take(
    deps,
    [
      { policy: 'passwordResetIp', key: ip },
      { policy: 'passwordResetEmail', key: email },
    ],
    (wait) => `Too many password-reset requests. Try again in ${wait}.`,
  );
  const user = await authRepo.findActiveUserByEmail(deps.db.db, email);
  if (!user) return;
  const token = newToken();
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000);
  await inTransaction(deps, async (work) => {
    await repo.endPasswordResets(work.tx, user.id, now);
    const resetId = newId();
    await repo.insertPasswordReset(work.tx, {
      id: resetId,
      accountId: user.accountId,
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt,
    });
    await queuePasswordResetEmail(work.tx, {
      accountId: user.accountId,
      resetId,
      to: user.email,
      name: user.name,
      resetUrl: passwordResetLink(deps.config, token),
      expiresAt,
      now,
    });
    work.wakeAfterCommit();
  });
}

/** Whose password a link resets (the reset page shows the address), or 410 when it no longer works. */
export async function describePasswordReset(deps: Deps, token: string): Promise<{ email: string }> {
  const found = await repo.findUsablePasswordReset(deps.db.db, hashToken(token), deps.clock());
  if (!found) throw linkGone();
  return { email: found.email };
}

/**
 * Sets the new password through a link: the link is used in one conditional statement (of two
 * racing requests exactly one wins), every sign-in of the user ends (streams too), and every other
 * link of theirs stops working. Returns the address, to sign in with.
 */
export async function completePasswordReset(
  deps: Deps,
  token: string,
  body: TPasswordResetBody,
  ip: string,
): Promise<{ email: string }> {
  const tokenHash = hashToken(token);
  const found = await repo.findUsablePasswordReset(deps.db.db, tokenHash, deps.clock());
  if (!found) throw linkGone();
  // Counted before the argon2 hash, like sign-ups: each attempt costs one.
  await limiter.take(
    deps,
    [{ policy: 'signup', key: ip }],
    (wait) => `Too many attempts. Try again in ${wait}.`,
  );
  const hashed = await hashPassword(body.password);
  await inTransaction(deps, async (work) => {
    // The account row first, as every team change takes it (decision 007): a removal racing this
    // reset waits for it, or wins and the check below refuses.
    await authRepo.lockAccount(work.tx, found.accountId);
    const now = deps.clock();
    const used = await repo.usePasswordReset(work.tx, tokenHash, now);
    if (!used) throw linkGone();
    const user = await authRepo.findUser(work.tx, used.accountId, used.userId);
    if (!user || user.deactivatedAt) throw linkGone();
    await repo.setPassword(work.tx, user.id, hashed);
    await repo.endPasswordResets(work.tx, user.id, now);
    await repo.deleteSignIns(work.tx, user.id);
    work.closeStreams({ userId: user.id });
  });
  return { email: found.email };
}
