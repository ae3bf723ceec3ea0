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
 * Writes an escalation's delivery rows in one statement, once: for every teammate it should reach
 * (engineers and up, not the escalator; only the chosen teammate, or only those at or above the
 * target tier), an `in_app` row that is already `sent` (the stored live event is its delivery) and an
 * `email` row, `pending`, or `skipped` when the recipient turned e-mail off or has the app open
 * (decision 030: PRODUCT.md e-mails the teammates who are not on the page); and one `webhook` row
 * when the account has a webhook. The rows are built by the database from `users`, so a 100-person
 * account costs one round trip, not 200 rows of parameters built, sent and parsed.
 *
 * It runs after the escalation committed (decision 032) and clears the handoff's
 * `deliveries_pending` in the same statement: of the request that escalated and the outbox worker's
 * sweep (`handoffsMissingDeliveries`), exactly one writes the rows. Returns how many it wrote (0:
 * written already, or no such handoff).
 */
export async function writeEscalationDeliveries(
  db: DbOrTx,
  o: { accountId: string; handoffId: string; now: Date },
): Promise<number> {
  const now = o.now.toISOString();
  // On ResolutionFlow now (a live stream open in some process, decision 030): told in the app.
  const freshSince = new Date(o.now.getTime() - PRESENCE_FRESH_MS).toISOString();
  const result = await db.execute(sql`
    with h as (
      update handoffs set deliveries_pending = false
       where account_id = ${o.accountId} and id = ${o.handoffId} and deliveries_pending
      returning id, account_id, created_by, target_tier, target_user_id,
                jsonb_build_object('intent', 'escalate', 'handoffId', id) as payload
    ), written as (
    insert into notifications
      (id, account_id, handoff_id, channel, intent, recipient_id, status, last_error,
       next_attempt_at, sent_at, payload, created_at)
    select gen_random_uuid()::text, u.account_id, u.handoff_id, c.channel, 'escalate', u.id,
           case when c.channel = 'in_app' then 'sent'
                when u.email_notifications and not u.online then 'pending' else 'skipped' end,
           case when c.channel = 'in_app' then null
                when not u.email_notifications then 'Email notifications are turned off for this user'
                when u.online then ${ONLINE_REASON} end,
           case when c.channel = 'email' and u.email_notifications and not u.online then ${now}::timestamptz end,
           case when c.channel = 'in_app' then ${now}::timestamptz end,
           u.payload, ${now}::timestamptz
      from (
        select u.*, h.id as handoff_id, h.payload, exists (
                 select 1 from live_presence p
                  where p.user_id = u.id and p.seen_at > ${freshSince}::timestamptz
               ) as online
          from h join users u on u.account_id = h.account_id
         where u.id <> h.created_by
           and u.role in ('engineer', 'admin', 'owner') and u.deactivated_at is null
           and (h.target_user_id is null or u.id = h.target_user_id)
           and (h.target_user_id is not null or h.target_tier is null or u.tier >= h.target_tier)
      ) u cross join (values ('in_app'), ('email')) as c(channel)
    union all
    select gen_random_uuid()::text, a.id, h.id, 'webhook', 'escalate', null, 'pending', null,
           ${now}::timestamptz, null,
           jsonb_set(h.payload, '{url}', to_jsonb(a.webhook_url)), ${now}::timestamptz
      from h join accounts a on a.id = h.account_id
     where a.webhook_url is not null
    returning 1
    )
    select count(*)::int as n from written
  `);
  return Number((result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
}

/**
 * Escalations made at or before `createdBefore` whose delivery rows were never written (the process
 * that escalated died between the commit and the write), oldest first: the outbox worker writes them.
 */
export async function handoffsMissingDeliveries(db: DbOrTx, createdBefore: Date, limit: number) {
  return db
    .select({ id: handoffs.id, accountId: handoffs.accountId })
    .from(handoffs)
    .where(and(eq(handoffs.deliveriesPending, true), lte(handoffs.createdAt, createdBefore)))
    .orderBy(asc(handoffs.createdAt))
    .limit(limit);
}

export async function findTeammate(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId), isNull(users.deactivatedAt)));
  return u ?? null;
}
