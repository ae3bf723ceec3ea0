import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { accounts, baselines, flowSessions, handoffs, users } from '../../db/schema.js';

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface PeriodSummary {
  escalations: number;
  claimed: number;
  ttcMedian: number | null;
  ttcP90: number | null;
  ttfaMedian: number | null;
  ttfaP90: number | null;
  ttfaN: number;
}

// date_part (float8) rather than extract (numeric since PostgreSQL 14): 3x faster over 25k rows.
const secondsToClaim = sql`date_part('epoch', claimed_at - created_at)`;
const secondsToFirstAction = sql`date_part('epoch', first_action_at - claimed_at)`;

const pair = (v: unknown): [number | null, number | null] => {
  if (Array.isArray(v)) return [num(v[0]), num(v[1])];
  if (typeof v === 'string') {
    // node-postgres parses float8[]; PGlite may hand back the text form "{a,b}"
    const [a, b] = v.replace(/[{}]/g, '').split(',');
    return [num(a), num(b)];
  }
  return [null, null];
};

const inWindow = (accountId: string, from: Date, to: Date) =>
  sql`account_id = ${accountId} and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`;

/**
 * Escalations created in [from, to): counts, and median and p90 of time-to-claim and
 * time-to-first-action, by PostgreSQL's percentile_cont (linear interpolation between closest ranks).
 */
export async function periodSummary(
  db: DbOrTx,
  accountId: string,
  from: Date,
  to: Date,
): Promise<PeriodSummary> {
  const res = await db.execute(sql`
    select count(*)::int as escalations,
           count(claimed_at)::int as claimed,
           percentile_cont(array[0.5, 0.9]) within group (order by ${secondsToClaim}) as ttc,
           percentile_cont(array[0.5, 0.9]) within group (order by ${secondsToFirstAction}) as ttfa,
           count(first_action_at)::int as ttfa_n
    from handoffs
    where ${inWindow(accountId, from, to)}`);
  const r = rowsOf(res)[0] ?? {};
  const [ttcMedian, ttcP90] = pair(r.ttc);
  const [ttfaMedian, ttfaP90] = pair(r.ttfa);
  return {
    escalations: num(r.escalations) ?? 0,
    claimed: num(r.claimed) ?? 0,
    ttcMedian,
    ttcP90,
    ttfaMedian,
    ttfaP90,
    ttfaN: num(r.ttfa_n) ?? 0,
  };
}

/** Per UTC day of [from, to): escalations created, how many were claimed, median time-to-first-action. */
export async function dailySeries(db: DbOrTx, accountId: string, from: Date, to: Date) {
  const res = await db.execute(sql`
    select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as date,
           count(*)::int as escalations,
           count(claimed_at)::int as claimed,
           percentile_cont(0.5) within group (order by ${secondsToFirstAction}) as median_ttfa
    from handoffs
    where ${inWindow(accountId, from, to)}
    group by date_trunc('day', created_at at time zone 'UTC')
    order by 1`);
  return rowsOf(res).map((r) => ({
    date: String(r.date),
    escalations: num(r.escalations) ?? 0,
    claimed: num(r.claimed) ?? 0,
    medianTimeToFirstAction: num(r.median_ttfa),
  }));
}

/** The account's analytics version, open escalations and baseline summary, in one statement. */
export async function accountState(db: DbOrTx, accountId: string) {
  const res = await db.execute(sql`
    select (select event_seq from accounts where id = ${accountId}) as version,
           (select count(*)::int from handoffs where account_id = ${accountId} and status = 'open') as open,
           count(*)::int as n,
           percentile_cont(0.5) within group (order by duration_seconds) as median
    from baselines where account_id = ${accountId}`);
  const r = rowsOf(res)[0] ?? {};
  return {
    version: num(r.version) ?? 0,
    open: num(r.open) ?? 0,
    baseline: { n: num(r.n) ?? 0, medianSeconds: num(r.median) },
  };
}

/**
 * The account's analytics version: its live-event number. Every change the analytics read (a
 * handoff created, claimed, released, cancelled, first action, resolve, a baseline recorded or
 * deleted) records an event in its own transaction, which bumps `accounts.event_seq` under the
 * account row's lock. So the number changes exactly when a change commits, in commit order.
 */
export async function analyticsVersion(db: DbOrTx, accountId: string): Promise<number> {
  const [row] = await db.select({ seq: accounts.eventSeq }).from(accounts).where(eq(accounts.id, accountId));
  return row?.seq ?? 0;
}

export async function insertBaseline(db: DbOrTx, row: typeof baselines.$inferInsert) {
  const [b] = await db.insert(baselines).values(row).returning();
  return b!;
}

export async function listBaselines(db: DbOrTx, accountId: string) {
  return db
    .select({ b: baselines, recorderName: users.name })
    .from(baselines)
    .innerJoin(users, eq(users.id, baselines.recordedById))
    .where(eq(baselines.accountId, accountId))
    .orderBy(desc(baselines.measuredAt), desc(baselines.id));
}

export async function deleteBaseline(db: DbOrTx, accountId: string, id: string) {
  const rows = await db
    .delete(baselines)
    .where(and(eq(baselines.accountId, accountId), eq(baselines.id, id)))
    .returning({ id: baselines.id });
  return rows.length === 1;
}

const escalator = alias(users, 'escalator');
const claimer = alias(users, 'claimer');
const createdIn = (accountId: string, from: Date, to: Date) =>
  and(eq(handoffs.accountId, accountId), gte(handoffs.createdAt, from), lt(handoffs.createdAt, to));

/** The escalations created in [from, to), newest first, with their people and session. */
export async function escalationRows(db: DbOrTx, accountId: string, from: Date, to: Date, limit: number) {
  return db
    .select({
      id: handoffs.id,
      sessionId: handoffs.sessionId,
      createdAt: handoffs.createdAt,
      customer: flowSessions.customer,
      title: flowSessions.title,
      urgency: handoffs.urgency,
      status: handoffs.status,
      escalatedById: handoffs.createdById,
      escalatedByName: escalator.name,
      claimedById: handoffs.claimedById,
      claimedByName: claimer.name,
      claimedAt: handoffs.claimedAt,
      firstActionAt: handoffs.firstActionAt,
    })
    .from(handoffs)
    .innerJoin(flowSessions, eq(flowSessions.id, handoffs.sessionId))
    .innerJoin(escalator, eq(escalator.id, handoffs.createdById))
    .leftJoin(claimer, eq(claimer.id, handoffs.claimedById))
    .where(createdIn(accountId, from, to))
    .orderBy(desc(handoffs.createdAt), desc(handoffs.id))
    .limit(limit);
}

export async function countEscalations(db: DbOrTx, accountId: string, from: Date, to: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(handoffs)
    .where(createdIn(accountId, from, to));
  return row?.n ?? 0;
}

/** Every account, for the operators' pilot scorecard (the only cross-account read). */
export async function listAccounts(db: DbOrTx) {
  return db
    .select({ id: accounts.id, name: accounts.name, isDemo: accounts.isDemo, createdAt: accounts.createdAt })
    .from(accounts)
    .orderBy(accounts.createdAt, accounts.id);
}
