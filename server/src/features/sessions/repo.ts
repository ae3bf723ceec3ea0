import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { flowSessions, timelineEntries, users } from '../../db/schema.js';

export type SessionRow = typeof flowSessions.$inferSelect;
export type TimelineRow = typeof timelineEntries.$inferSelect;

const owner = alias(users, 'owner');
const creator = alias(users, 'creator');

const stepCount = sql<number>`(select count(*)::int from ${timelineEntries} te where te.session_id = ${flowSessions.id} and te.kind = 'step')`;

const summaryColumns = {
  session: flowSessions,
  ownerName: owner.name,
  creatorName: creator.name,
  stepCount,
};

export async function insertSession(db: DbOrTx, row: typeof flowSessions.$inferInsert) {
  const [s] = await db.insert(flowSessions).values(row).returning();
  return s!;
}

export interface SessionFilters {
  status?: SessionRow['status'];
  ownerId?: string;
  q?: string;
  limit: number;
}

export async function listSessions(db: DbOrTx, accountId: string, f: SessionFilters) {
  const where = [eq(flowSessions.accountId, accountId)];
  if (f.status) where.push(eq(flowSessions.status, f.status));
  if (f.ownerId) where.push(eq(flowSessions.ownerId, f.ownerId));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(flowSessions.title, pattern),
        ilike(flowSessions.problem, pattern),
        ilike(flowSessions.customer, pattern),
        ilike(flowSessions.asset, pattern),
      )!,
    );
  }
  return db
    .select(summaryColumns)
    .from(flowSessions)
    .innerJoin(owner, eq(owner.id, flowSessions.ownerId))
    .innerJoin(creator, eq(creator.id, flowSessions.createdById))
    .where(and(...where))
    .orderBy(desc(flowSessions.updatedAt), desc(flowSessions.id))
    .limit(f.limit);
}

export async function findSessionSummary(db: DbOrTx, accountId: string, id: string) {
  const [row] = await db
    .select(summaryColumns)
    .from(flowSessions)
    .innerJoin(owner, eq(owner.id, flowSessions.ownerId))
    .innerJoin(creator, eq(creator.id, flowSessions.createdById))
    .where(and(eq(flowSessions.accountId, accountId), eq(flowSessions.id, id)));
  return row ?? null;
}

/** Locks the session row for the rest of the transaction (serialises writers of one session). */
export async function lockSession(db: DbOrTx, accountId: string, id: string) {
  const [s] = await db
    .select()
    .from(flowSessions)
    .where(and(eq(flowSessions.accountId, accountId), eq(flowSessions.id, id)))
    .for('update');
  return s ?? null;
}

/**
 * Locks the session row (as `lockSession`) and reads, in the same statement, its open or claimed
 * handoff's id: the escalation's first round trip.
 */
export async function lockSessionWithActiveHandoff(db: DbOrTx, accountId: string, id: string) {
  const [s] = await db
    .select({
      session: flowSessions,
      activeHandoffId: sql<string | null>`(select h.id from handoffs h
        where h.session_id = ${flowSessions.id} and h.status in ('open', 'claimed') limit 1)`,
    })
    .from(flowSessions)
    .where(and(eq(flowSessions.accountId, accountId), eq(flowSessions.id, id)))
    .for('update', { of: flowSessions });
  return s ?? null;
}

/** Writes the patch; callers hold the row's lock and know it exists, so nothing is read back. */
export async function updateSession(
  db: DbOrTx,
  accountId: string,
  id: string,
  patch: Partial<Pick<SessionRow, 'status' | 'ownerId' | 'updatedAt' | 'resolvedAt' | 'resolution'>>,
): Promise<void> {
  await db
    .update(flowSessions)
    .set(patch)
    .where(and(eq(flowSessions.accountId, accountId), eq(flowSessions.id, id)));
}

export async function listTimeline(db: DbOrTx, accountId: string, sessionId: string) {
  return db
    .select({ entry: timelineEntries, authorName: users.name })
    .from(timelineEntries)
    .leftJoin(users, eq(users.id, timelineEntries.authorId))
    .where(and(eq(timelineEntries.accountId, accountId), eq(timelineEntries.sessionId, sessionId)))
    .orderBy(asc(timelineEntries.seq));
}

export async function insertTimelineEntries(db: DbOrTx, rows: (typeof timelineEntries.$inferInsert)[]) {
  return db.insert(timelineEntries).values(rows).returning();
}
