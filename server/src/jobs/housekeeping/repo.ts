import { and, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { authSessions, invitations, loginAttempts } from '../../db/schema.js';

// Each purge deletes at most `limit` rows, so one round never holds a long lock or a big
// transaction; the job repeats a bounded number of rounds.

export async function purgeExpiredAuthSessions(db: DbOrTx, now: Date, limit: number): Promise<number> {
  const doomed = db
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(lt(authSessions.expiresAt, now))
    .limit(limit);
  const rows = await db
    .delete(authSessions)
    .where(inArray(authSessions.id, doomed))
    .returning({ id: authSessions.id });
  return rows.length;
}

export async function purgeLoginAttempts(db: DbOrTx, before: Date, limit: number): Promise<number> {
  const doomed = db
    .select({ id: loginAttempts.id })
    .from(loginAttempts)
    .where(lt(loginAttempts.at, before))
    .limit(limit);
  const rows = await db
    .delete(loginAttempts)
    .where(inArray(loginAttempts.id, doomed))
    .returning({ id: loginAttempts.id });
  return rows.length;
}

/** Invitations accepted, or expired, before `before`. */
export async function purgeSpentInvitations(db: DbOrTx, before: Date, limit: number): Promise<number> {
  const doomed = db
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      or(
        and(isNotNull(invitations.acceptedAt), lt(invitations.acceptedAt, before)),
        lt(invitations.expiresAt, before),
      ),
    )
    .limit(limit);
  const rows = await db
    .delete(invitations)
    .where(inArray(invitations.id, doomed))
    .returning({ id: invitations.id });
  return rows.length;
}
