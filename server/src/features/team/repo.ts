import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { authSessions, handoffs, invitations, passwordResets, users } from '../../db/schema.js';

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

// ---- "forgot password" links ----------------------------------------------------------------------

export async function insertPasswordReset(db: DbOrTx, row: typeof passwordResets.$inferInsert) {
  await db.insert(passwordResets).values(row);
}

/** Ends every unused link of a user (a newer link, a password change, a removal). */
export async function endPasswordResets(db: DbOrTx, userId: string, at: Date) {
  await db
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/** A link that still works (unused, not expired), with its user if they are still on their team. */
export async function findUsablePasswordReset(db: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ id: passwordResets.id, userId: users.id, accountId: users.accountId, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(
      and(
        eq(passwordResets.tokenHash, tokenHash),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
        isNull(users.deactivatedAt),
      ),
    );
  return row ?? null;
}

/**
 * Uses a link, in one conditional statement: of any number of requests racing with the same link,
 * exactly one gets its row back.
 */
export async function usePasswordReset(db: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordResets.tokenHash, tokenHash),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
      ),
    )
    .returning({ userId: passwordResets.userId, accountId: passwordResets.accountId });
  return row ?? null;
}
