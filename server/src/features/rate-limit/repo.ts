import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { rateLimits } from '../../db/schema.js';

export type RateLimitRow = typeof rateLimits.$inferSelect;

const NEVER_BLOCKED = new Date(0);

/** Makes sure every bucket has a row, so that the transaction below can lock them all. */
export async function ensureBuckets(db: DbOrTx, keys: string[], now: Date) {
  await db
    .insert(rateLimits)
    .values(keys.map((key) => ({ key, count: 0, countedAt: now, blockedUntil: NEVER_BLOCKED })))
    .onConflictDoNothing();
}

/** Locks the buckets in key order (one fixed order: two logins never wait on each other in a cycle). */
export async function lockBuckets(tx: Tx, keys: string[]): Promise<RateLimitRow[]> {
  return tx
    .select()
    .from(rateLimits)
    .where(inArray(rateLimits.key, keys))
    .orderBy(rateLimits.key)
    .for('update');
}

export async function saveBucket(db: DbOrTx, row: RateLimitRow) {
  await db
    .update(rateLimits)
    .set({ count: row.count, countedAt: row.countedAt, blockedUntil: row.blockedUntil })
    .where(eq(rateLimits.key, row.key));
}

export async function insertBucket(db: DbOrTx, row: RateLimitRow) {
  await db.insert(rateLimits).values(row).onConflictDoNothing();
}

/** One statement, so parallel refunds never lose one. */
export async function refundBucket(db: DbOrTx, key: string) {
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
    .where(eq(rateLimits.key, key));
}

export async function deleteBuckets(db: DbOrTx, keys: string[]) {
  await db.delete(rateLimits).where(inArray(rateLimits.key, keys));
}

/** For the housekeeping job: buckets that have been quiet for `idleMs` are forgotten. */
export async function purgeIdleBuckets(db: DbOrTx, now: Date, idleMs = 86_400_000) {
  const before = new Date(now.getTime() - idleMs);
  const rows = await db
    .delete(rateLimits)
    .where(and(lt(rateLimits.countedAt, before), lt(rateLimits.blockedUntil, before)))
    .returning({ key: rateLimits.key });
  return rows.length;
}
