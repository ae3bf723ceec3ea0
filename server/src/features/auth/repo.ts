import { and, count, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { accounts, authSessions, invitations, loginAttempts, users } from '../../db/schema.js';

export type UserRow = typeof users.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;

export async function insertAccount(db: DbOrTx, row: typeof accounts.$inferInsert) {
  const [a] = await db.insert(accounts).values(row).returning();
  return a!;
}

export async function insertUser(db: DbOrTx, row: typeof users.$inferInsert) {
  const [u] = await db.insert(users).values(row).returning();
  return u!;
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [u] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return u ?? null;
}

/** The user who may sign in with this e-mail: a removed teammate may not. */
export async function findActiveUserByEmail(db: DbOrTx, email: string) {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.email, email.toLowerCase()), isNull(users.deactivatedAt)));
  return u ?? null;
}

export async function findAccount(db: DbOrTx, accountId: string) {
  const [a] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  return a ?? null;
}

export async function insertAuthSession(db: DbOrTx, row: typeof authSessions.$inferInsert) {
  await db.insert(authSessions).values(row);
}

/**
 * Every API request reads its session cookie's row, so this statement is built once per database and
 * sent as a named prepared statement (PostgreSQL parses and plans it once per connection). Built and
 * planned on every request, the three-table join cost about 1 ms, six times its execution
 * (docs/BENCHMARKS.md, "… and the prepared session lookup").
 */
const authSessionQueries = new WeakMap<Db, ReturnType<typeof prepareFindAuthSession>>();

function prepareFindAuthSession(db: Db) {
  return db
    .select({ session: authSessions, user: users, account: accounts })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(
      and(
        eq(authSessions.id, sql.placeholder('id')),
        gt(authSessions.expiresAt, sql.placeholder('now')),
        isNull(users.deactivatedAt),
      ),
    )
    .prepare('rf_find_auth_session');
}

export async function findAuthSession(db: Db, id: string, now: Date) {
  let query = authSessionQueries.get(db);
  if (!query) {
    query = prepareFindAuthSession(db);
    authSessionQueries.set(db, query);
  }
  const [row] = await query.execute({ id, now: now.toISOString() });
  return row ?? null;
}

export async function deleteAuthSession(db: DbOrTx, id: string) {
  await db.delete(authSessions).where(eq(authSessions.id, id));
}

export async function recordLoginAttempt(db: DbOrTx, row: typeof loginAttempts.$inferInsert) {
  await db.insert(loginAttempts).values(row);
}

/** The team: everyone of the account who has not been removed. */
export async function listUsers(db: DbOrTx, accountId: string) {
  return db
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), isNull(users.deactivatedAt)))
    .orderBy(users.createdAt, users.id);
}

export async function findUser(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u ?? null;
}

export async function updateUser(
  db: DbOrTx,
  accountId: string,
  userId: string,
  patch: Partial<Pick<UserRow, 'role' | 'tier' | 'emailNotifications'>>,
) {
  const [u] = await db
    .update(users)
    .set(patch)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
    .returning();
  return u ?? null;
}

export async function countOwners(db: DbOrTx, accountId: string) {
  const [r] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, 'owner'), isNull(users.deactivatedAt)));
  return r?.n ?? 0;
}

/** Serialises owner demotions per account so two admins cannot demote the last two owners at once. */
export async function lockAccount(db: DbOrTx, accountId: string) {
  await db.execute(sql`select id from accounts where id = ${accountId} for update`);
}

export async function insertInvitation(db: DbOrTx, row: typeof invitations.$inferInsert) {
  const [i] = await db.insert(invitations).values(row).returning();
  return i!;
}

export async function findInvitationByToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ invitation: invitations, account: accounts })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(eq(invitations.tokenHash, tokenHash));
  return row ?? null;
}

export async function markInvitationAccepted(db: DbOrTx, id: string, at: Date) {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: at })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  return rows.length === 1;
}

export async function listPendingInvitations(db: DbOrTx, accountId: string, now: Date) {
  return db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.accountId, accountId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .orderBy(invitations.createdAt);
}

/** Withdraws an account's pending invitations to an address (a new one replaces them). */
export async function revokePendingInvitationsTo(db: DbOrTx, accountId: string, email: string, at: Date) {
  await db
    .update(invitations)
    .set({ revokedAt: at })
    .where(
      and(
        eq(invitations.accountId, accountId),
        eq(invitations.email, email),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}

/** Brings a removed teammate back (an accepted invitation to their address). */
export async function reactivateUser(
  db: DbOrTx,
  userId: string,
  v: { name: string; passwordHash: string; role: UserRow['role']; tier: number },
) {
  const [u] = await db
    .update(users)
    .set({ ...v, deactivatedAt: null })
    .where(and(eq(users.id, userId), isNotNull(users.deactivatedAt)))
    .returning();
  return u ?? null;
}
