/** The assistant's reads: an account's resolved sessions, its team history. */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { flowSessions, timelineEntries } from '../../db/schema.js';

const resolvedOf = (accountId: string) =>
  and(eq(flowSessions.accountId, accountId), eq(flowSessions.status, 'resolved'));

/**
 * The newest resolved session of the account (index `flow_sessions_resolved_idx`). Resolved sessions
 * never change again, so it identifies the whole history's version.
 */
export async function newestResolved(db: DbOrTx, accountId: string) {
  const [row] = await db
    .select({ id: flowSessions.id, resolvedAt: flowSessions.resolvedAt })
    .from(flowSessions)
    .where(resolvedOf(accountId))
    .orderBy(desc(flowSessions.resolvedAt), desc(flowSessions.id))
    .limit(1);
  return row ?? null;
}

export async function listResolvedSessions(db: DbOrTx, accountId: string, limit: number) {
  return db
    .select({
      id: flowSessions.id,
      title: flowSessions.title,
      problem: flowSessions.problem,
      customer: flowSessions.customer,
      category: flowSessions.category,
      resolvedAt: flowSessions.resolvedAt,
      resolution: flowSessions.resolution,
    })
    .from(flowSessions)
    .where(resolvedOf(accountId))
    .orderBy(desc(flowSessions.resolvedAt), desc(flowSessions.id))
    .limit(limit);
}

/** Steps and notes of some sessions of the account, in timeline order. */
export async function listCaseEntries(db: DbOrTx, accountId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .select({
      sessionId: timelineEntries.sessionId,
      id: timelineEntries.id,
      kind: timelineEntries.kind,
      text: timelineEntries.text,
      outcome: timelineEntries.outcome,
      detail: timelineEntries.detail,
      createdAt: timelineEntries.createdAt,
    })
    .from(timelineEntries)
    .where(
      and(
        eq(timelineEntries.accountId, accountId),
        inArray(timelineEntries.sessionId, sessionIds),
        inArray(timelineEntries.kind, ['step', 'note']),
      ),
    )
    .orderBy(asc(timelineEntries.seq));
}
