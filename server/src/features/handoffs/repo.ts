import { and, asc, eq, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { flowSessions, handoffAudit, handoffs, users } from '../../db/schema.js';
import { PRESENCE_FRESH_MS } from '../live/events.js';

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
  ownerAtEscalation: handoffs.ownerAtEscalation,
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

/** Writes the handoff; its context snapshot (several kB) is not read back. */
export async function insertHandoff(db: DbOrTx, row: typeof handoffs.$inferInsert) {
  const [h] = await db.insert(handoffs).values(row).returning({ id: handoffs.id, status: handoffs.status });
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

/** Returns the entry's id (the audit list's order). */
export async function insertAudit(db: DbOrTx, row: typeof handoffAudit.$inferInsert): Promise<number> {
  const [written] = await db.insert(handoffAudit).values(row).returning({ id: handoffAudit.id });
  return written!.id;
}

export async function listAudit(db: DbOrTx, accountId: string, handoffId: string) {
  return db
    .select({ audit: handoffAudit, actorName: users.name })
    .from(handoffAudit)
    .leftJoin(users, eq(users.id, handoffAudit.actorId))
    .where(and(eq(handoffAudit.accountId, accountId), eq(handoffAudit.handoffId, handoffId)))
    .orderBy(asc(handoffAudit.id));
}

/** Why an escalation e-mail was not sent to someone who had the app open (shown to admins). */
export const ONLINE_REASON = 'Had ResolutionFlow open: told in the app, not by e-mail';

/**
 * Writes an escalation's outbox rows in one statement: for every teammate it should reach (engineers
 * and up, not the escalator; only the chosen teammate, or only those at or above the target tier),
 * an `in_app` row that is already `sent` (the stored live event is its delivery) and an `email` row,
 * `pending`, or `skipped` when the recipient turned e-mail off or has the app open (decision 030:
 * PRODUCT.md e-mails the teammates who are not on the page); and one `webhook` row when the account
 * has a webhook. The rows are built by the database from `users`, so a 100-person account costs one
 * round trip, not 200 rows of parameters built, sent and parsed.
 */
export async function insertEscalationNotifications(
  db: DbOrTx,
  o: {
    accountId: string;
    handoffId: string;
    actorId: string;
    targetTier: number | null;
    targetUserId: string | null;
    now: Date;
  },
): Promise<void> {
  const payload = JSON.stringify({ intent: 'escalate', handoffId: o.handoffId });
  const now = o.now.toISOString();
  // On ResolutionFlow now (a live stream open in some process, decision 030): told in the app.
  const freshSince = new Date(o.now.getTime() - PRESENCE_FRESH_MS).toISOString();
  const target = o.targetUserId
    ? sql`and u.id = ${o.targetUserId}`
    : o.targetTier
      ? sql`and u.tier >= ${o.targetTier}`
      : sql``;
  await db.execute(sql`
    insert into notifications
      (id, account_id, handoff_id, channel, intent, recipient_id, status, last_error,
       next_attempt_at, sent_at, payload, created_at)
    select gen_random_uuid()::text, u.account_id, ${o.handoffId}, c.channel, 'escalate', u.id,
           case when c.channel = 'in_app' then 'sent'
                when u.email_notifications and not u.online then 'pending' else 'skipped' end,
           case when c.channel = 'in_app' then null
                when not u.email_notifications then 'Email notifications are turned off for this user'
                when u.online then ${ONLINE_REASON} end,
           case when c.channel = 'email' and u.email_notifications and not u.online then ${now}::timestamptz end,
           case when c.channel = 'in_app' then ${now}::timestamptz end,
           ${payload}::jsonb, ${now}::timestamptz
      from (
        select u.*, exists (
                 select 1 from live_presence p
                  where p.user_id = u.id and p.seen_at > ${freshSince}::timestamptz
               ) as online
          from users u
         where u.account_id = ${o.accountId} and u.id <> ${o.actorId}
           and u.role in ('engineer', 'admin', 'owner') and u.deactivated_at is null ${target}
      ) u cross join (values ('in_app'), ('email')) as c(channel)
    union all
    select gen_random_uuid()::text, a.id, ${o.handoffId}, 'webhook', 'escalate', null, 'pending', null,
           ${now}::timestamptz, null,
           jsonb_set(${payload}::jsonb, '{url}', to_jsonb(a.webhook_url)), ${now}::timestamptz
      from accounts a
     where a.id = ${o.accountId} and a.webhook_url is not null
  `);
}

export async function findTeammate(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId), isNull(users.deactivatedAt)));
  return u ?? null;
}
