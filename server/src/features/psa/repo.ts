import { and, asc, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  flowSessions,
  notifications,
  psaConnections,
  psaMemberOverrides,
  psaTicketLinks,
  users,
} from '../../db/schema.js';

export type PsaConnectionRow = typeof psaConnections.$inferSelect;
export type PsaLinkRow = typeof psaTicketLinks.$inferSelect;

export async function findConnection(db: DbOrTx, accountId: string): Promise<PsaConnectionRow | null> {
  const [row] = await db.select().from(psaConnections).where(eq(psaConnections.accountId, accountId));
  return row ?? null;
}

export async function upsertConnection(db: DbOrTx, row: typeof psaConnections.$inferInsert) {
  await db
    .insert(psaConnections)
    .values(row)
    .onConflictDoUpdate({
      target: psaConnections.accountId,
      set: {
        siteUrl: row.siteUrl,
        companyId: row.companyId,
        keysEnc: row.keysEnc,
        publicKeyLast4: row.publicKeyLast4,
        updatedBy: row.updatedBy,
        updatedAt: row.updatedAt,
      },
    });
}

export async function deleteConnection(db: DbOrTx, accountId: string) {
  await db.delete(psaConnections).where(eq(psaConnections.accountId, accountId));
}

export async function listUsers(db: DbOrTx, accountId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.name), asc(users.id));
}

export async function findUser(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u ?? null;
}

export async function listOverrides(db: DbOrTx, accountId: string) {
  return db.select().from(psaMemberOverrides).where(eq(psaMemberOverrides.accountId, accountId));
}

export async function findOverride(db: DbOrTx, accountId: string, userId: string) {
  const [o] = await db
    .select()
    .from(psaMemberOverrides)
    .where(and(eq(psaMemberOverrides.accountId, accountId), eq(psaMemberOverrides.userId, userId)));
  return o ?? null;
}

export async function setOverride(db: DbOrTx, row: typeof psaMemberOverrides.$inferInsert) {
  await db
    .insert(psaMemberOverrides)
    .values(row)
    .onConflictDoUpdate({
      target: [psaMemberOverrides.accountId, psaMemberOverrides.userId],
      set: {
        memberId: row.memberId,
        memberIdentifier: row.memberIdentifier,
        memberName: row.memberName,
        setBy: row.setBy,
        setAt: row.setAt,
      },
    });
}

export async function deleteOverride(db: DbOrTx, accountId: string, userId: string) {
  await db
    .delete(psaMemberOverrides)
    .where(and(eq(psaMemberOverrides.accountId, accountId), eq(psaMemberOverrides.userId, userId)));
}

export async function findLink(db: DbOrTx, accountId: string, sessionId: string) {
  const [row] = await db
    .select({ link: psaTicketLinks, linkedByName: users.name })
    .from(psaTicketLinks)
    .leftJoin(users, eq(users.id, psaTicketLinks.linkedBy))
    .where(and(eq(psaTicketLinks.accountId, accountId), eq(psaTicketLinks.sessionId, sessionId)));
  return row ?? null;
}

/**
 * The PSA ticket this session is linked to, when the account also has a connection (else null):
 * one statement, as every escalation and resolve asks it before posting its note.
 */
export async function findPostableTicket(db: DbOrTx, accountId: string, sessionId: string) {
  const [row] = await db
    .select({ ticketId: psaTicketLinks.ticketId })
    .from(psaTicketLinks)
    .innerJoin(psaConnections, eq(psaConnections.accountId, psaTicketLinks.accountId))
    .where(and(eq(psaTicketLinks.accountId, accountId), eq(psaTicketLinks.sessionId, sessionId)));
  return row?.ticketId ?? null;
}

export async function upsertLink(db: DbOrTx, row: typeof psaTicketLinks.$inferInsert) {
  const { sessionId: _s, accountId: _a, ...set } = row;
  await db.insert(psaTicketLinks).values(row).onConflictDoUpdate({ target: psaTicketLinks.sessionId, set });
}

export async function deleteLink(db: DbOrTx, accountId: string, sessionId: string) {
  await db
    .delete(psaTicketLinks)
    .where(and(eq(psaTicketLinks.accountId, accountId), eq(psaTicketLinks.sessionId, sessionId)));
}

export async function sessionExists(db: DbOrTx, accountId: string, sessionId: string) {
  const [s] = await db
    .select({ id: flowSessions.id, ownerId: flowSessions.ownerId, status: flowSessions.status })
    .from(flowSessions)
    .where(and(eq(flowSessions.accountId, accountId), eq(flowSessions.id, sessionId)));
  return s ?? null;
}

/** Inserts PSA outbox rows; a row whose dedupe key exists already is left out (never queued twice). */
export async function insertPosts(db: DbOrTx, rows: (typeof notifications.$inferInsert)[]) {
  if (!rows.length) return 0;
  const made = await db
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing({ target: notifications.dedupeKey, where: sql`dedupe_key IS NOT NULL` })
    .returning({ id: notifications.id });
  return made.length;
}

export async function listPosts(db: DbOrTx, accountId: string, sessionId: string) {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.accountId, accountId),
        eq(notifications.sessionId, sessionId),
        eq(notifications.channel, 'psa'),
      ),
    )
    .orderBy(asc(notifications.createdAt), asc(notifications.id));
}

/**
 * Puts a failed post back in the queue, in one conditional statement (only a `failed` row of this
 * session). Attempts start again; `last_error` stays, and tells the delivery that an earlier
 * attempt may have reached the PSA (it then looks for the marker before posting).
 */
export async function requeueFailed(
  db: DbOrTx,
  accountId: string,
  sessionId: string,
  postId: string,
  now: Date,
) {
  const rows = await db
    .update(notifications)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null, leaseToken: null })
    .where(
      and(
        eq(notifications.id, postId),
        eq(notifications.accountId, accountId),
        eq(notifications.sessionId, sessionId),
        eq(notifications.channel, 'psa'),
        eq(notifications.status, 'failed'),
      ),
    )
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** The rows of one note still waiting for another operation of it (decision 025). */
const waitingOf = (accountId: string, noteId: string) =>
  and(
    eq(notifications.accountId, accountId),
    eq(notifications.channel, 'psa'),
    eq(notifications.status, 'pending'),
    isNull(notifications.nextAttemptAt),
    inArray(notifications.dedupeKey, [`psa:${noteId}:time`, `psa:${noteId}:status`]),
  );

/** Makes the rows of a note that wait for `after` due now: that operation is done. */
export async function releaseWaiting(
  db: DbOrTx,
  accountId: string,
  noteId: string,
  after: 'note' | 'time',
  now: Date,
) {
  await db
    .update(notifications)
    .set({ nextAttemptAt: now })
    .where(and(waitingOf(accountId, noteId), sql`${notifications.payload}->>'after' = ${after}`));
}

/** Skips every row still waiting behind a note's operation that was itself skipped. */
export async function skipWaiting(db: DbOrTx, accountId: string, noteId: string, reason: string) {
  await db
    .update(notifications)
    .set({ status: 'skipped', lastError: reason })
    .where(waitingOf(accountId, noteId));
}

/**
 * A later status change for the same session's ticket that is sent or still to go, if any: an
 * older status change (its note was retried late) must not overwrite it.
 */
export async function laterStatusPost(
  db: DbOrTx,
  o: { accountId: string; sessionId: string; ticketId: number; id: string; createdAt: Date },
) {
  const [row] = await db
    .select({ id: notifications.id, payload: notifications.payload })
    .from(notifications)
    .where(
      and(
        eq(notifications.accountId, o.accountId),
        eq(notifications.sessionId, o.sessionId),
        eq(notifications.channel, 'psa'),
        eq(notifications.intent, 'psa_status'),
        inArray(notifications.status, ['pending', 'sent']),
        gt(notifications.createdAt, o.createdAt),
        ne(notifications.id, o.id),
        sql`${notifications.payload}->>'ticketId' = ${String(o.ticketId)}`,
      ),
    )
    .orderBy(desc(notifications.createdAt))
    .limit(1);
  return row ?? null;
}
