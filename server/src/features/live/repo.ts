import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts, events, livePresence } from '../../db/schema.js';

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;

/**
 * Takes the account's next event number and writes the event with it, in one statement. The UPDATE
 * locks the account row until the transaction ends, so a second writer of the same account waits
 * here and gets the next number only after the first has committed (or rolled back): per account,
 * seq order is commit order. `data` is the payload's JSON text.
 */
export async function insertNextEvent(
  tx: DbOrTx,
  accountId: string,
  type: string,
  data: string,
): Promise<number> {
  const res = await tx.execute(sql`
    with next as (
      update accounts set event_seq = event_seq + 1 where id = ${accountId} returning event_seq
    )
    insert into events (account_id, seq, type, payload)
    select ${accountId}, next.event_seq, ${type}, ${data}::jsonb from next
    returning seq`);
  const [row] = rowsOf(res);
  if (!row) throw new Error(`insertNextEvent: no account ${accountId}`);
  return Number(row.seq);
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

/** A stored event as the stream writes it: `data` is the payload's JSON text, never re-encoded. */
export interface StoredEvent {
  accountId: string;
  seq: number;
  type: string;
  data: string;
}

/**
 * New events of many accounts in one statement: for each cursor, the account's events after
 * `afterSeq`, at most `perAccount` of them, ordered by account then seq. The cursors travel as one
 * JSON parameter, so a hub with thousands of subscribed accounts still sends one short query.
 */
export async function eventsAfterMany(
  db: DbOrTx,
  cursors: { accountId: string; afterSeq: number }[],
  perAccount: number,
): Promise<StoredEvent[]> {
  if (cursors.length === 0) return [];
  const json = JSON.stringify(cursors.map((c) => ({ account_id: c.accountId, after_seq: c.afterSeq })));
  const res = await db.execute(sql`
    select c.account_id, e.seq, e.type, e.payload::text as data
    from json_to_recordset(${json}::json) as c(account_id text, after_seq bigint)
    cross join lateral (
      select seq, type, payload from events
      where account_id = c.account_id and seq > c.after_seq
      order by seq
      limit ${perAccount}
    ) as e
    order by c.account_id, e.seq`);
  return rowsOf(res).map((r) => ({
    accountId: String(r.account_id),
    seq: Number(r.seq),
    type: String(r.type),
    data: String(r.data),
  }));
}

/**
 * Which of these sign-in sessions are still valid, with their user's current role: one query for
 * every stream a process holds (the backstop for a missed sign-out or role-change NOTIFY).
 */
export async function validStreamSessions(
  db: DbOrTx,
  sessionIds: string[],
  now: Date,
): Promise<{ sessionId: string; role: string }[]> {
  if (sessionIds.length === 0) return [];
  const res = await db.execute(sql`
    select s.id, u.role
    from auth_sessions s join users u on u.id = s.user_id
    where s.id in (select json_array_elements_text(${JSON.stringify(sessionIds)}::json))
      and s.expires_at > ${now.toISOString()}::timestamptz`);
  return rowsOf(res).map((r) => ({ sessionId: String(r.id), role: String(r.role) }));
}

/**
 * Records this process's share of who is on ResolutionFlow (decision 030): `present` users hold a
 * stream here now (their row is written or refreshed), `absent` ones no longer do (their row of
 * this process goes). One statement each, whatever the number of users.
 */
export async function writePresence(
  db: DbOrTx,
  origin: string,
  present: string[],
  absent: string[],
  now: Date,
): Promise<void> {
  if (present.length > 0) {
    await db.execute(sql`
      insert into live_presence (user_id, origin, seen_at)
      select u, ${origin}, ${now.toISOString()}::timestamptz
        from json_array_elements_text(${JSON.stringify(present)}::json) as u
      on conflict (user_id, origin) do update set seen_at = excluded.seen_at`);
  }
  if (absent.length > 0) {
    await db.execute(sql`
      delete from live_presence
       where origin = ${origin}
         and user_id in (select json_array_elements_text(${JSON.stringify(absent)}::json))`);
  }
}

/** This process is stopping: it holds no stream any more. */
export async function clearPresence(db: DbOrTx, origin: string): Promise<void> {
  await db.delete(livePresence).where(eq(livePresence.origin, origin));
}

/** Rows no process has refreshed since `before` (a process that died without clearing its own). */
export async function deletePresenceBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(livePresence)
    .where(lt(livePresence.seenAt, before))
    .returning({ userId: livePresence.userId });
  return rows.length;
}
