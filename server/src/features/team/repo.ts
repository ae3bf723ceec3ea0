import { and, eq, isNull, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { authSessions, handoffs, invitations, users } from '../../db/schema.js';

export async function deactivateUser(db: DbOrTx, accountId: string, userId: string, at: Date) {
  await db
    .update(users)
    .set({ deactivatedAt: at })
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
}

export async function deleteSignIns(db: DbOrTx, userId: string) {
  await db.delete(authSessions).where(eq(authSessions.userId, userId));
}

/** Ends every sign-in of a user but one; returns the ended ones' ids. */
export async function deleteOtherSignIns(db: DbOrTx, userId: string, keepId: string) {
  const rows = await db
    .delete(authSessions)
    .where(and(eq(authSessions.userId, userId), ne(authSessions.id, keepId)))
    .returning({ id: authSessions.id });
  return rows.map((r) => r.id);
}

export async function setPassword(db: DbOrTx, userId: string, passwordHash: string) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** The escalations a user has picked up and not finished. */
export async function claimedBy(db: DbOrTx, accountId: string, userId: string) {
  const rows = await db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(
      and(
        eq(handoffs.accountId, accountId),
        eq(handoffs.claimedById, userId),
        eq(handoffs.status, 'claimed'),
      ),
    );
  return rows.map((r) => r.id);
}

export async function findInvitation(db: DbOrTx, accountId: string, id: string) {
  const [i] = await db
    .select({ acceptedAt: invitations.acceptedAt, revokedAt: invitations.revokedAt })
    .from(invitations)
    .where(and(eq(invitations.accountId, accountId), eq(invitations.id, id)));
  return i ?? null;
}

/** Revokes a pending invitation in one conditional statement; false when it was accepted first. */
export async function revokeInvitation(db: DbOrTx, accountId: string, id: string, at: Date) {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: at })
    .where(
      and(
        eq(invitations.accountId, accountId),
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ id: invitations.id });
  return rows.length === 1;
}
