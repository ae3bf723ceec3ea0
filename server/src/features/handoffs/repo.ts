import { and, asc, eq, gte, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { accounts, flowSessions, handoffAudit, handoffs, notifications, users } from '../../db/schema.js';

export type HandoffRow = typeof handoffs.$inferSelect;

const creator = alias(users, 'creator');
const claimer = alias(users, 'claimer');

const listColumns = {
  id: handoffs.id,
  sessionId: handoffs.sessionId,
  intent: handoffs.intent,
  status: handoffs.status,
  reason: handoffs.reason,
  urgency: handoffs.urgency,
  targetTier: handoffs.targetTier,
  targetUserId: handoffs.targetUserId,
  createdById: handoffs.createdById,
  createdByName: creator.name,
  createdAt: handoffs.createdAt,
  claimedById: handoffs.claimedById,
  claimedByName: claimer.name,
  claimedAt: handoffs.claimedAt,
  firstActionAt: handoffs.firstActionAt,
  closedAt: handoffs.closedAt,
  sessionTitle: flowSessions.title,
  sessionCustomer: flowSessions.customer,
  sessionAsset: flowSessions.asset,
  sessionOwnerId: flowSessions.ownerId,
  sessionStatus: flowSessions.status,
  // The session's open or claimed handoff (this one, or a later one): decides `can.escalate`.
  sessionActiveHandoffId: sql<
    string | null
  >`(select a.id from ${handoffs} a where a.session_id = ${handoffs.sessionId} and a.status in ('open', 'claimed') limit 1)`,
};
function selectHandoffs(db: DbOrTx) {
  return db
    .select(listColumns)
    .from(handoffs)
    .innerJoin(creator, eq(creator.id, handoffs.createdById))
    .leftJoin(claimer, eq(claimer.id, handoffs.claimedById))
    .innerJoin(flowSessions, eq(flowSessions.id, handoffs.sessionId));
}

export async function listQueue(
  db: DbOrTx,
  accountId: string,
  statuses: HandoffRow['status'][],
  limit: number,
) {
  return selectHandoffs(db)
    .where(and(eq(handoffs.accountId, accountId), inArray(handoffs.status, statuses)))
    .orderBy(asc(handoffs.createdAt), asc(handoffs.id))
    .limit(limit);
}

export async function findHandoff(db: DbOrTx, accountId: string, id: string) {
  const [row] = await selectHandoffs(db).where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, id)));
  return row ?? null;
}

export type HandoffListRow = NonNullable<Awaited<ReturnType<typeof findHandoff>>>;

/** The context snapshot and the LLM assessment added later (if any). */
export async function findContext(db: DbOrTx, accountId: string, id: string) {
  const [row] = await db
    .select({ context: handoffs.context, llmAssessment: handoffs.llmAssessment })
    .from(handoffs)
    .where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, id)));
  return row ?? null;
}

/** Adds a late LLM assessment once; the snapshot in `context` is never touched. */
export async function addLlmAssessment(db: DbOrTx, accountId: string, id: string, assessment: unknown) {
  const rows = await db
    .update(handoffs)
    .set({ llmAssessment: assessment })
    .where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, id), isNull(handoffs.llmAssessment)))
    .returning({ id: handoffs.id });
  return rows.length === 1;
}

/** The session a handoff belongs to (never changes), so that a transaction can lock the session first. */
export async function findSessionIdOf(db: DbOrTx, accountId: string, id: string) {
  const [row] = await db
    .select({ sessionId: handoffs.sessionId })
    .from(handoffs)
    .where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, id)));
  return row?.sessionId ?? null;
}

export async function insertHandoff(db: DbOrTx, row: typeof handoffs.$inferInsert) {
  const [h] = await db.insert(handoffs).values(row).returning();
  return h!;
}

/**
 * The atomic claim: one conditional UPDATE. Of any number of concurrent claimers, PostgreSQL lets
 * exactly one see `status = 'open'`; the others update nothing.
 */
export async function claimIfOpen(db: DbOrTx, accountId: string, id: string, claimerId: string, at: Date) {
  const rows = await db
    .update(handoffs)
    .set({ status: 'claimed', claimedById: claimerId, claimedAt: at, firstActionAt: null })
    .where(
      and(
        eq(handoffs.accountId, accountId),
        eq(handoffs.id, id),
        eq(handoffs.status, 'open'),
        ne(handoffs.createdById, claimerId),
      ),
    )
    .returning();
  return rows[0] ?? null;
}

/**
 * Moves a handoff from `from` (and, when given, from the claimer that was checked) to `patch`, in
 * one conditional UPDATE: if anything changed meanwhile, nothing is updated and null comes back.
 */
export async function transition(
  db: DbOrTx,
  accountId: string,
  id: string,
  from: { status: HandoffRow['status']; claimedById?: string },
  patch: Partial<Pick<HandoffRow, 'status' | 'claimedById' | 'claimedAt' | 'firstActionAt' | 'closedAt'>>,
) {
  const where = [eq(handoffs.accountId, accountId), eq(handoffs.id, id), eq(handoffs.status, from.status)];
  if (from.claimedById !== undefined) where.push(eq(handoffs.claimedById, from.claimedById));
  const rows = await db
    .update(handoffs)
    .set(patch)
    .where(and(...where))
    .returning();
  return rows[0] ?? null;
}

/**
 * Stamps `first_action_at` once, and only for the claimer of the session's claimed handoff, and
 * only for an action that arrived after the claim (`at` is the request's arrival time).
 */
export async function stampFirstActionIfUnset(
  db: DbOrTx,
  accountId: string,
  sessionId: string,
  actorId: string,
  at: Date,
) {
  const rows = await db
    .update(handoffs)
    .set({ firstActionAt: at })
    .where(
      and(
        eq(handoffs.accountId, accountId),
        eq(handoffs.sessionId, sessionId),
        eq(handoffs.status, 'claimed'),
        eq(handoffs.claimedById, actorId),
        isNull(handoffs.firstActionAt),
        lte(handoffs.claimedAt, at),
      ),
    )
    .returning({ id: handoffs.id });
  return rows[0]?.id ?? null;
}

export async function findActiveForSession(db: DbOrTx, accountId: string, sessionId: string) {
  const [h] = await db
    .select()
    .from(handoffs)
    .where(
      and(
        eq(handoffs.accountId, accountId),
        eq(handoffs.sessionId, sessionId),
        inArray(handoffs.status, ['open', 'claimed']),
      ),
    );
  return h ?? null;
}

export async function insertAudit(db: DbOrTx, row: typeof handoffAudit.$inferInsert) {
  await db.insert(handoffAudit).values(row);
}

export async function listAudit(db: DbOrTx, accountId: string, handoffId: string) {
  return db
    .select({ audit: handoffAudit, actorName: users.name })
    .from(handoffAudit)
    .leftJoin(users, eq(users.id, handoffAudit.actorId))
    .where(and(eq(handoffAudit.accountId, accountId), eq(handoffAudit.handoffId, handoffId)))
    .orderBy(asc(handoffAudit.id));
}

/** Engineer-or-admin teammates to notify: never the escalator; the named target, or the target tier and up. */
export async function listRecipients(
  db: DbOrTx,
  accountId: string,
  opts: { excludeUserId: string; targetTier: number | null; targetUserId: string | null },
) {
  const where = [
    eq(users.accountId, accountId),
    ne(users.id, opts.excludeUserId),
    inArray(users.role, ['engineer', 'admin', 'owner']),
  ];
  if (opts.targetUserId) where.push(eq(users.id, opts.targetUserId));
  else if (opts.targetTier) where.push(gte(users.tier, opts.targetTier));
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      emailNotifications: users.emailNotifications,
    })
    .from(users)
    .where(and(...where))
    .orderBy(users.id);
}

export async function findAccountWebhook(db: DbOrTx, accountId: string) {
  const [a] = await db
    .select({ webhookUrl: accounts.webhookUrl })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return a?.webhookUrl ?? null;
}

export async function insertNotifications(db: DbOrTx, rows: (typeof notifications.$inferInsert)[]) {
  if (rows.length) await db.insert(notifications).values(rows);
}

export async function findTeammate(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u ?? null;
}
