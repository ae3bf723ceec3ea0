import type {
  TAcceptInvitationBody,
  TInvitationBody,
  TLoginBody,
  TPatchUserBody,
  TRole,
  TSignupBody,
} from '@rf/contracts';
import { isUniqueViolation } from '../../db/errors.js';
import { inTransaction } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { AppError, conflict, forbidden, notFound } from '../../errors.js';
import { type AuthUser, hasRole, mayGrantRole } from '../../http/auth-context.js';
import { invitationLink } from '../notifications/links.js';
import { queueInvitationEmail } from '../notifications/outbox.js';
import * as limiter from '../rate-limit/limiter.js';
import { hashPassword, timingDummyHash, verifyPassword } from './password.js';
import * as repo from './repo.js';
import { hashToken, newId, newToken } from './tokens.js';

const SESSION_DAYS = 30;
const INVITATION_DAYS = 7;

export interface SignedIn {
  user: repo.UserRow;
  account: repo.AccountRow;
  token: string;
}

async function startSession(
  deps: Deps,
  db: Parameters<typeof repo.insertAuthSession>[0],
  user: repo.UserRow,
) {
  const token = newToken();
  const now = deps.clock();
  await repo.insertAuthSession(db, {
    id: hashToken(token),
    userId: user.id,
    accountId: user.accountId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
  });
  return token;
}

const emailTaken = () =>
  new AppError('email_taken', 409, 'An account with this email already exists', { field: 'email' });

/** Two sign-ups (or accepts) racing for one e-mail: the unique index decides, the loser gets a 409. */
async function uniqueEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
}

const signupRefused = (wait: string) => `Too many new accounts from this address. Try again in ${wait}.`;

export async function signup(deps: Deps, body: TSignupBody, ip: string): Promise<SignedIn> {
  const email = body.email.toLowerCase();
  // Counted before the argon2 hash: that hash is what a flood of sign-ups would cost us.
  await limiter.take(deps, [{ policy: 'signup', key: ip }], signupRefused);
  const passwordHash = await hashPassword(body.password);
  return uniqueEmail(() =>
    inTransaction(deps, async ({ tx }) => {
      if (await repo.findUserByEmail(tx, email)) throw emailTaken();
      const account = await repo.insertAccount(tx, { id: newId(), name: body.accountName });
      const user = await repo.insertUser(tx, {
        id: newId(),
        accountId: account.id,
        name: body.name,
        email,
        passwordHash,
        role: 'owner',
        tier: 3,
      });
      const token = await startSession(deps, tx, user);
      return { user, account, token };
    }),
  );
}

/** The buckets one sign-in attempt counts against (decision 011). */
const loginBuckets = (email: string, ip: string): limiter.Bucket[] => [
  { policy: 'loginPair', key: `${email}|${ip}` },
  { policy: 'loginEmail', key: email },
  { policy: 'loginIp', key: ip },
];

export async function login(deps: Deps, body: TLoginBody, ip: string): Promise<SignedIn> {
  const email = body.email.trim().toLowerCase();
  // Counted before the password is checked, so parallel guesses cannot all slip through.
  await limiter.take(
    deps,
    loginBuckets(email, ip),
    (wait) => `Too many sign-in attempts. Try again in ${wait}.`,
  );
  // A removed teammate gets the same answer as a wrong password (decision 028).
  const user = await repo.findActiveUserByEmail(deps.db.db, email);
  let ok = false;
  if (user) ok = await verifyPassword(user.passwordHash, body.password);
  else await verifyPassword(await timingDummyHash(), body.password); // same cost as a wrong password
  if (!user || !ok) {
    await repo.recordLoginAttempt(deps.db.db, { email, ip, success: false, at: deps.clock() });
    throw new AppError('invalid_credentials', 401, 'Email or password is incorrect');
  }
  const account = (await repo.findAccount(deps.db.db, user.accountId))!;
  const token = await startSession(deps, deps.db.db, user);
  const [pair, byEmail, byIp] = loginBuckets(email, ip);
  await limiter.reset(deps, [pair!, byEmail!]);
  await limiter.refund(deps, byIp!);
  return { user, account, token };
}

export async function logout(deps: Deps, sessionId: string) {
  await inTransaction(deps, async (work) => {
    await repo.deleteAuthSession(work.tx, sessionId);
    // The sign-in's live streams end once it is gone (in every process).
    work.closeStreams({ sessionId });
  });
}

export async function authenticate(deps: Deps, token: string) {
  const row = await repo.findAuthSession(deps.db.db, hashToken(token), deps.clock());
  if (!row) return null;
  return {
    sessionId: row.session.id,
    user: toAuthUser(row.user),
    account: { id: row.account.id, name: row.account.name },
  };
}

export function toAuthUser(u: repo.UserRow): AuthUser {
  return { id: u.id, accountId: u.accountId, name: u.name, email: u.email, role: u.role, tier: u.tier };
}

export const presentUser = (u: Pick<repo.UserRow, 'id' | 'name' | 'email' | 'role' | 'tier'>) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  tier: u.tier,
});

// ---- team -------------------------------------------------------------------------------------

function assertMayGrant(actor: AuthUser, role: TRole) {
  if (!mayGrantRole(actor, role)) {
    throw forbidden(
      role === 'owner' ? 'Only an owner can grant the owner role' : 'Only an admin can grant a role',
    );
  }
}

export async function createInvitation(deps: Deps, actor: AuthUser, body: TInvitationBody) {
  assertMayGrant(actor, body.role);
  const email = body.email.toLowerCase();
  // A teammate removed from this team may be invited back (accepting brings their account, and
  // its history, back); anyone else with an account is taken.
  const existing = await repo.findUserByEmail(deps.db.db, email);
  if (existing && !(existing.deactivatedAt && existing.accountId === actor.accountId)) {
    throw new AppError('email_taken', 409, 'Someone with this email already has an account', {
      field: 'email',
    });
  }
  const token = newToken();
  const now = deps.clock();
  // The link is built from PUBLIC_URL only: a forged Host header must not end up in an e-mail.
  const acceptUrl = invitationLink(deps.config, token);
  const invitation = await inTransaction(deps, async (work) => {
    const { tx } = work;
    // The account row first, as every team change takes it: two invitations to one address made at
    // once are one after the other, so the second replaces the first.
    await repo.lockAccount(tx, actor.accountId);
    const account = (await repo.findAccount(tx, actor.accountId))!;
    // One live invitation per address: a new one (a resend, or another role) replaces the pending
    // one, whose link then answers 410.
    await repo.revokePendingInvitationsTo(tx, actor.accountId, email, now);
    const row = await repo.insertInvitation(tx, {
      id: newId(),
      accountId: actor.accountId,
      email,
      role: body.role,
      tier: body.tier,
      tokenHash: hashToken(token),
      invitedBy: actor.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
    });
    await queueInvitationEmail(tx, {
      accountId: actor.accountId,
      invitationId: row.id,
      to: email,
      acceptUrl,
      accountName: account.name,
      inviterName: actor.name,
      role: row.role,
      tier: row.tier,
      expiresAt: row.expiresAt,
      now,
    });
    // An outbox row without a live event: ask for the NOTIFY that wakes the workers.
    work.wakeAfterCommit();
    return row;
  });
  return {
    invitation: { id: invitation.id, email: invitation.email, role: invitation.role, tier: invitation.tier },
    token,
    acceptUrl,
  };
}

/**
 * An invitation grants its role only while the person who sent it may still grant that role: an
 * owner invitation from an owner who was since made admin (or whose account is gone) no longer
 * holds. Whoever holds the token is not trusted to carry the sender's rights on their own.
 */
async function assertSenderMayStillGrant(
  db: Parameters<typeof repo.findUser>[0],
  invitation: { accountId: string; invitedBy: string; role: TRole },
) {
  const sender = await repo.findUser(db, invitation.accountId, invitation.invitedBy);
  if (!sender || sender.deactivatedAt || !mayGrantRole(sender, invitation.role)) {
    throw new AppError(
      'invitation_revoked',
      410,
      `This invitation is no longer valid: the person who sent it can no longer grant the ${invitation.role} role. Ask an owner for a new one.`,
    );
  }
}

async function usableInvitation(deps: Deps, token: string) {
  const row = await repo.findInvitationByToken(deps.db.db, hashToken(token));
  if (!row) throw notFound('Invitation');
  if (row.invitation.acceptedAt)
    throw new AppError('invitation_used', 410, 'This invitation has already been used');
  if (row.invitation.revokedAt)
    throw new AppError(
      'invitation_revoked',
      410,
      'This invitation was withdrawn, or replaced by a newer one. Ask your team for a new one if you still need it.',
    );
  if (row.invitation.expiresAt <= deps.clock())
    throw new AppError('invitation_expired', 410, 'This invitation has expired');
  await assertSenderMayStillGrant(deps.db.db, row.invitation);
  return row;
}

export async function describeInvitation(deps: Deps, token: string) {
  const { invitation, account } = await usableInvitation(deps, token);
  return {
    invitation: { email: invitation.email, role: invitation.role, tier: invitation.tier },
    account: { name: account.name },
  };
}

export async function acceptInvitation(
  deps: Deps,
  token: string,
  body: TAcceptInvitationBody,
  ip: string,
): Promise<SignedIn> {
  const { invitation, account } = await usableInvitation(deps, token);
  await limiter.take(deps, [{ policy: 'signup', key: ip }], signupRefused);
  const passwordHash = await hashPassword(body.password);
  return uniqueEmail(() =>
    inTransaction(deps, async ({ tx }) => {
      // Under the account lock a role change takes too: a sender demoted meanwhile is seen here.
      await repo.lockAccount(tx, invitation.accountId);
      await assertSenderMayStillGrant(tx, invitation);
      if (!(await repo.markInvitationAccepted(tx, invitation.id, deps.clock()))) {
        // Accepted or withdrawn meanwhile (the update takes neither).
        throw new AppError('invitation_used', 410, 'This invitation has already been used or was withdrawn');
      }
      const existing = await repo.findUserByEmail(tx, invitation.email);
      if (existing?.deactivatedAt && existing.accountId === invitation.accountId) {
        // Invited back after a removal: the same person (their history stays theirs), with the
        // name, password, role and tier of this acceptance.
        const user = (await repo.reactivateUser(tx, existing.id, {
          name: body.name,
          passwordHash,
          role: invitation.role,
          tier: invitation.tier,
        }))!;
        const token = await startSession(deps, tx, user);
        return { user, account, token };
      }
      if (existing) {
        throw new AppError('email_taken', 409, 'Someone with this email already has an account');
      }
      const user = await repo.insertUser(tx, {
        id: newId(),
        accountId: invitation.accountId,
        name: body.name,
        email: invitation.email,
        passwordHash,
        role: invitation.role,
        tier: invitation.tier,
      });
      const token = await startSession(deps, tx, user);
      return { user, account, token };
    }),
  );
}

export async function changeUser(deps: Deps, actor: AuthUser, userId: string, patch: TPatchUserBody) {
  return inTransaction(deps, async (work) => {
    const { tx } = work;
    await repo.lockAccount(tx, actor.accountId);
    const target = await repo.findUser(tx, actor.accountId, userId);
    if (!target || target.deactivatedAt) throw notFound('User');
    // An owner's role and tier are for owners to change: an admin changes neither (the same 403
    // whether or not the value would change), and only an owner makes someone an owner.
    if (target.role === 'owner' && actor.role !== 'owner') {
      throw forbidden("Only an owner can change an owner's role or tier");
    }
    if (patch.role !== undefined && patch.role !== target.role) {
      if (patch.role === 'owner' && actor.role !== 'owner') {
        throw forbidden('Only an owner can make someone an owner');
      }
      if (target.role === 'owner' && (await repo.countOwners(tx, actor.accountId)) <= 1) {
        throw conflict('last_owner', 'An account needs at least one owner: make someone else owner first');
      }
      // Streams were opened under the old role: they end after the commit (the browser reconnects
      // under the new one).
      work.closeStreams({ userId });
    }
    return (await repo.updateUser(tx, actor.accountId, userId, { role: patch.role, tier: patch.tier }))!;
  });
}

export async function listTeam(deps: Deps, accountId: string) {
  return repo.listUsers(deps.db.db, accountId);
}

/** Escalation targets: the engineer-or-admin members of the account. */
export async function listTeammates(deps: Deps, accountId: string) {
  const users = await repo.listUsers(deps.db.db, accountId);
  return users
    .filter((u) => hasRole(u, 'engineer'))
    .map((u) => ({ id: u.id, name: u.name, role: u.role, tier: u.tier }));
}

export async function listInvitations(deps: Deps, accountId: string) {
  const rows = await repo.listPendingInvitations(deps.db.db, accountId, deps.clock());
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    tier: i.tier,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
  }));
}
