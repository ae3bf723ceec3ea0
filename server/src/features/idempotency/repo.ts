import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

const byKey = (userId: string, key: string) =>
  and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));

/**
 * Takes the key for a first run: one INSERT, and the unique (user, key) index decides between
 * concurrent twins. True when this request inserted it.
 */
export async function insertKey(
  db: DbOrTx,
  row: { userId: string; key: string; accountId: string; requestHash: string; now: Date },
): Promise<boolean> {
  const rows = await db
    .insert(idempotencyKeys)
    .values({
      userId: row.userId,
      key: row.key,
      accountId: row.accountId,
      requestHash: row.requestHash,
      createdAt: row.now,
      lockedAt: row.now,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function findKey(db: DbOrTx, userId: string, key: string) {
  const [row] = await db.select().from(idempotencyKeys).where(byKey(userId, key));
  return row ?? null;
}

/** An expired key is used again as if new (one conditional UPDATE: one of two takers wins). */
export async function renewExpiredKey(
  db: DbOrTx,
  o: { userId: string; key: string; requestHash: string; expiredBefore: Date; now: Date },
): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({
      requestHash: o.requestHash,
      responseStatus: null,
      responseBody: null,
      createdAt: o.now,
      lockedAt: o.now,
    })
    .where(and(byKey(o.userId, o.key), lt(idempotencyKeys.createdAt, o.expiredBefore)))
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

/** A run whose process died before it answered is taken over by the next retry (one winner). */
export async function takeOverAbandonedKey(
  db: DbOrTx,
  o: { userId: string; key: string; abandonedBefore: Date; now: Date },
): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ lockedAt: o.now })
    .where(
      and(
        byKey(o.userId, o.key),
        isNull(idempotencyKeys.responseStatus),
        lt(idempotencyKeys.lockedAt, o.abandonedBefore),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function storeResponse(db: DbOrTx, userId: string, key: string, status: number, body: unknown) {
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: body })
    .where(byKey(userId, key));
}

/** The run failed (and changed nothing): drop the key so that a retry runs again. */
export async function deletePendingKey(db: DbOrTx, userId: string, key: string) {
  await db.delete(idempotencyKeys).where(and(byKey(userId, key), isNull(idempotencyKeys.responseStatus)));
}

/** Deletes keys created before `before`; returns how many went. */
export async function deleteKeysBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, before))
    .returning({ one: sql<number>`1` });
  return rows.length;
}
