import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts, events } from '../../db/schema.js';

/**
 * Takes the account's next event number. The UPDATE locks the account row until the transaction
 * ends, so a second writer of the same account waits here and gets the next number only after the
 * first has committed (or rolled back): per account, seq order is commit order.
 */
export async function nextEventSeq(tx: DbOrTx, accountId: string): Promise<number> {
  const [row] = await tx
    .update(accounts)
    .set({ eventSeq: sql`${accounts.eventSeq} + 1` })
    .where(eq(accounts.id, accountId))
    .returning({ seq: accounts.eventSeq });
  if (!row) throw new Error(`nextEventSeq: no account ${accountId}`);
  return row.seq;
}

export async function insertEvent(
  tx: DbOrTx,
  row: { accountId: string; seq: number; type: string; payload: unknown; createdAt?: Date },
) {
  await tx.insert(events).values(row);
}

/** The account's events after `afterSeq`, oldest first. */
export async function eventsAfter(db: DbOrTx, accountId: string, afterSeq: number, limit = 500) {
  return db
    .select({ seq: events.seq, type: events.type, payload: events.payload, createdAt: events.createdAt })
    .from(events)
    .where(and(eq(events.accountId, accountId), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
}

/** The account's newest committed event number (0 when none). */
export async function accountEventSeq(db: DbOrTx, accountId: string): Promise<number> {
  const [row] = await db.select({ seq: accounts.eventSeq }).from(accounts).where(eq(accounts.id, accountId));
  return row?.seq ?? 0;
}

/** Deletes events older than `before` (the replay window); returns how many went. */
export async function deleteEventsBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(events).where(lt(events.createdAt, before)).returning({ id: events.id });
  return rows.length;
}
