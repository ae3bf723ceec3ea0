import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, min, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import {
  accounts,
  flowSessions,
  handoffAudit,
  handoffs,
  invitations,
  mailOutbox,
  notifications,
  passwordResets,
  users,
} from '../../db/schema.js';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

// ---- preferences and account settings -----------------------------------------------------------

export async function findPreferences(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ email: users.emailNotifications, reminders: users.reminderNotifications })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u ?? null;
}

export async function updatePreferences(
  db: DbOrTx,
  accountId: string,
  userId: string,
  patch: { emailNotifications: boolean; reminderNotifications?: boolean },
) {
  const [u] = await db
    .update(users)
    .set(patch)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
    .returning({ email: users.emailNotifications, reminders: users.reminderNotifications });
  return u ?? null;
}

export async function findAccountSettings(db: DbOrTx, accountId: string) {
  const [a] = await db
    .select({
      name: accounts.name,
      webhookUrl: accounts.webhookUrl,
      webhookFormat: accounts.webhookFormat,
      reminderDelayMinutes: accounts.reminderDelayMinutes,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return a ?? null;
}

export async function updateAccountSettings(
  db: DbOrTx,
  accountId: string,
  patch: Partial<Pick<typeof accounts.$inferInsert, 'webhookUrl' | 'webhookFormat' | 'reminderDelayMinutes'>>,
) {
  await db.update(accounts).set(patch).where(eq(accounts.id, accountId));
}

// ---- outbox rows --------------------------------------------------------------------------------

export async function insertNotifications(db: DbOrTx, rows: NewNotification[]) {
  if (rows.length) await db.insert(notifications).values(rows);
}

export async function handoffExists(db: DbOrTx, accountId: string, handoffId: string) {
  const [h] = await db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, handoffId)));
  return !!h;
}

export async function listForHandoff(db: DbOrTx, accountId: string, handoffId: string) {
  return db
    .select({ n: notifications, recipientName: users.name })
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.recipientId))
    .where(and(eq(notifications.accountId, accountId), eq(notifications.handoffId, handoffId)))
    .orderBy(
      asc(sql`coalesce(${notifications.round}, 0)`),
      asc(notifications.channel),
      asc(users.name),
      asc(notifications.id),
    );
}

const dueNow = (now: Date) =>
  and(
    eq(notifications.status, 'pending'),
    lte(notifications.nextAttemptAt, now),
    or(isNull(notifications.leaseUntil), lte(notifications.leaseUntil, now)),
  );

/**
 * Claims up to `limit` due rows for one worker: the inner SELECT locks them FOR UPDATE SKIP
 * LOCKED (a concurrent claimer passes over them instead of waiting), the UPDATE leases them and
 * counts the attempt. A claimer that read a row before another's lease committed re-checks the
 * condition on the new row version, so one row is never leased twice.
 */
export async function claimDue(
  db: DbOrTx,
  o: { now: Date; leaseUntil: Date; token: string; limit: number },
): Promise<NotificationRow[]> {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(dueNow(o.now))
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(o.limit)
    .for('update', { skipLocked: true });
  return db
    .update(notifications)
    .set({
      leaseUntil: o.leaseUntil,
      leaseToken: o.token,
      attempts: sql`${notifications.attempts} + 1`,
    })
    .where(and(inArray(notifications.id, due), dueNow(o.now)))
    .returning();
}

/** Keeps the leases of rows still being sent; a dead process stops renewing. */
export async function renewLeases(db: DbOrTx, tokens: string[], leaseUntil: Date) {
  if (!tokens.length) return;
  await db
    .update(notifications)
    .set({ leaseUntil })
    .where(and(inArray(notifications.leaseToken, tokens), eq(notifications.status, 'pending')));
}

/**
 * Records how a delivery ended, only while this worker still holds the lease (the token is a
 * fencing token): returns false when the row was taken over meanwhile.
 */
export async function finishDelivery(
  db: DbOrTx,
  id: string,
  token: string,
  patch: Pick<NotificationRow, 'status' | 'lastError' | 'nextAttemptAt' | 'sentAt'> & {
    payload?: unknown;
  },
) {
  const rows = await db
    .update(notifications)
    .set({ ...patch, leaseUntil: null, leaseToken: null })
    .where(and(eq(notifications.id, id), eq(notifications.leaseToken, token)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** When the next pending row falls due (its retry time, or the end of a dead worker's lease). */
export async function nextDueAt(db: DbOrTx): Promise<Date | null> {
  const [row] = await db
    .select({
      at: min(
        sql<Date>`greatest(${notifications.nextAttemptAt}, coalesce(${notifications.leaseUntil}, ${notifications.nextAttemptAt}))`,
      ),
    })
    .from(notifications)
    .where(eq(notifications.status, 'pending'));
  const at = row?.at;
  return at ? new Date(at) : null;
}

// ---- what a message is made of ------------------------------------------------------------------

const creator = alias(users, 'creator');
const target = alias(users, 'target');
const claimer = alias(users, 'claimer');

export async function findHandoffForMessage(db: DbOrTx, accountId: string, handoffId: string) {
  const [row] = await db
    .select({
      id: handoffs.id,
      status: handoffs.status,
      reason: handoffs.reason,
      urgency: handoffs.urgency,
      targetTier: handoffs.targetTier,
      targetUserId: handoffs.targetUserId,
      targetName: target.name,
      createdAt: handoffs.createdAt,
      createdById: handoffs.createdById,
      createdByName: creator.name,
      claimedByName: claimer.name,
      context: handoffs.context,
      sessionTitle: flowSessions.title,
      sessionProblem: flowSessions.problem,
      sessionCustomer: flowSessions.customer,
      sessionAsset: flowSessions.asset,
      accountName: accounts.name,
    })
    .from(handoffs)
    .innerJoin(creator, eq(creator.id, handoffs.createdById))
    .innerJoin(flowSessions, eq(flowSessions.id, handoffs.sessionId))
    .innerJoin(accounts, eq(accounts.id, handoffs.accountId))
    .leftJoin(target, eq(target.id, handoffs.targetUserId))
    .leftJoin(claimer, eq(claimer.id, handoffs.claimedById))
    .where(and(eq(handoffs.accountId, accountId), eq(handoffs.id, handoffId)));
  return row ?? null;
}

export async function findRecipient(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      emailNotifications: users.emailNotifications,
      reminderNotifications: users.reminderNotifications,
    })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u ?? null;
}

/** The recipients of a claimed batch, in one query. */
export async function findRecipients(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({
      id: users.id,
      accountId: users.accountId,
      name: users.name,
      email: users.email,
      role: users.role,
      emailNotifications: users.emailNotifications,
      reminderNotifications: users.reminderNotifications,
    })
    .from(users)
    .where(inArray(users.id, ids));
}

export async function findInvitationState(db: DbOrTx, accountId: string, invitationId: string) {
  const [i] = await db
    .select({
      acceptedAt: invitations.acceptedAt,
      expiresAt: invitations.expiresAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .where(and(eq(invitations.accountId, accountId), eq(invitations.id, invitationId)));
  return i ?? null;
}

export async function findPasswordResetState(db: DbOrTx, accountId: string, resetId: string) {
  const [r] = await db
    .select({ usedAt: passwordResets.usedAt, expiresAt: passwordResets.expiresAt })
    .from(passwordResets)
    .where(and(eq(passwordResets.accountId, accountId), eq(passwordResets.id, resetId)));
  return r ?? null;
}

// ---- reminders ----------------------------------------------------------------------------------

/**
 * When the current wait began: the escalation, or the last time someone released it back to the
 * queue (a released escalation starts its reminder clock again).
 */
const openSince = sql`coalesce((select max(${handoffAudit.at}) from ${handoffAudit} where ${handoffAudit.handoffId} = ${handoffs.id} and ${handoffAudit.action} = 'released'), ${handoffs.createdAt})`;

/**
 * Takes the reminder rounds that are due, once across every process: the due handoffs are locked
 * FOR UPDATE SKIP LOCKED and their round counter bumped in the same statement, inside the
 * caller's transaction, which also writes the round's outbox rows. A round is due one delay after
 * the wait began or after the previous round, whichever is later; at most 3 rounds.
 */
export async function takeDueReminders(tx: DbOrTx, now: Date, limit: number) {
  const due = tx
    .select({ id: handoffs.id })
    .from(handoffs)
    .innerJoin(accounts, eq(accounts.id, handoffs.accountId))
    .where(
      and(
        eq(handoffs.status, 'open'),
        lt(handoffs.remindersSent, 3),
        sql`greatest(${openSince}, coalesce(${handoffs.lastRemindedAt}, ${handoffs.createdAt})) + make_interval(mins => ${accounts.reminderDelayMinutes}) <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(handoffs.createdAt))
    .limit(limit)
    .for('update', { of: handoffs, skipLocked: true });
  return tx
    .update(handoffs)
    .set({ remindersSent: sql`${handoffs.remindersSent} + 1`, lastRemindedAt: now })
    .where(and(inArray(handoffs.id, due), eq(handoffs.status, 'open'), lt(handoffs.remindersSent, 3)))
    .returning({
      id: handoffs.id,
      accountId: handoffs.accountId,
      round: handoffs.remindersSent,
      targetTier: handoffs.targetTier,
      targetUserId: handoffs.targetUserId,
      createdById: handoffs.createdById,
    });
}

export async function findUserTier(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ tier: users.tier })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u?.tier ?? null;
}

/** A reminder goes to the engineers above the escalation's tier and to every admin and owner. */
export async function listReminderRecipients(
  db: DbOrTx,
  accountId: string,
  o: { excludeUserId: string; minTier: number },
) {
  return db
    .select({
      id: users.id,
      emailNotifications: users.emailNotifications,
      reminderNotifications: users.reminderNotifications,
    })
    .from(users)
    .where(
      and(
        eq(users.accountId, accountId),
        ne(users.id, o.excludeUserId),
        isNull(users.deactivatedAt),
        or(
          inArray(users.role, ['admin', 'owner']),
          and(eq(users.role, 'engineer'), gte(users.tier, o.minTier)),
        ),
      ),
    )
    .orderBy(users.id);
}

export async function findAccountWebhook(db: DbOrTx, accountId: string) {
  const [a] = await db
    .select({ webhookUrl: accounts.webhookUrl })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return a?.webhookUrl ?? null;
}

// ---- mail outbox ---------------------------------------------------------------------------------

/** Idempotent per outbox row: a delivery retried after a crash does not store the mail twice. */
export async function insertOutboxMail(db: DbOrTx, row: typeof mailOutbox.$inferInsert) {
  await db.insert(mailOutbox).values(row).onConflictDoNothing({ target: mailOutbox.notificationId });
}

const inviter = alias(users, 'inviter');

/**
 * The newest stored mail, each with what decides who may read it: for an invitation, who sent it
 * and which role it grants (through its outbox row's payload; null once the invitation is purged).
 */
export async function listOutboxMail(db: DbOrTx, accountId: string, limit: number) {
  return db
    .select({
      mail: mailOutbox,
      invitedBy: invitations.invitedBy,
      invitedRole: invitations.role,
      inviterName: inviter.name,
    })
    .from(mailOutbox)
    .leftJoin(
      notifications,
      and(eq(mailOutbox.intent, 'invitation'), eq(notifications.id, mailOutbox.notificationId)),
    )
    .leftJoin(
      invitations,
      and(
        eq(invitations.accountId, mailOutbox.accountId),
        eq(invitations.id, sql`${notifications.payload}->>'invitationId'`),
      ),
    )
    .leftJoin(
      inviter,
      and(eq(inviter.accountId, mailOutbox.accountId), eq(inviter.id, invitations.invitedBy)),
    )
    .where(eq(mailOutbox.accountId, accountId))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit);
}

export async function deleteOutboxMailBefore(db: DbOrTx, before: Date) {
  const rows = await db
    .delete(mailOutbox)
    .where(lt(mailOutbox.createdAt, before))
    .returning({ id: mailOutbox.id });
  return rows.length;
}
