import type { DbOrTx } from '../../db/client.js';
import { newId } from '../auth/tokens.js';
import * as repo from './repo.js';

export const MAX_REMINDERS = 3;

/**
 * Writes the outbox rows of every reminder round that is due, in the caller's transaction (see
 * `repo.takeDueReminders` for why a round is taken exactly once across processes). Returns how
 * many rounds were written.
 *
 * A round goes to the tier above the escalation's (its target tier; the named target's tier; or,
 * untargeted, the escalator's) and to the admins and owners, never to the escalator. Each
 * recipient gets an e-mail row (skipped, with the reason, for someone who turned reminders or
 * e-mail off) and the account webhook, when set, gets one row per round.
 */
export async function queueDueReminders(tx: DbOrTx, now: Date, limit = 50): Promise<number> {
  const due = await repo.takeDueReminders(tx, now, limit);
  for (const h of due) {
    const baseTier =
      h.targetTier ??
      (h.targetUserId ? await repo.findUserTier(tx, h.accountId, h.targetUserId) : null) ??
      (await repo.findUserTier(tx, h.accountId, h.createdById)) ??
      1;
    const recipients = await repo.listReminderRecipients(tx, h.accountId, {
      excludeUserId: h.createdById,
      minTier: baseTier + 1,
    });
    const base = {
      accountId: h.accountId,
      handoffId: h.id,
      intent: 'reminder' as const,
      round: h.round,
      payload: { intent: 'reminder', handoffId: h.id, round: h.round },
      createdAt: now,
    };
    const rows: repo.NewNotification[] = recipients.map((r) => {
      const off = !r.reminderNotifications
        ? 'Reminders are turned off'
        : !r.emailNotifications
          ? 'E-mail notifications are turned off'
          : null;
      return off
        ? { ...base, id: newId(), channel: 'email', recipientId: r.id, status: 'skipped', lastError: off }
        : {
            ...base,
            id: newId(),
            channel: 'email',
            recipientId: r.id,
            status: 'pending',
            nextAttemptAt: now,
          };
    });
    if (await repo.findAccountWebhook(tx, h.accountId)) {
      rows.push({
        ...base,
        id: newId(),
        channel: 'webhook',
        recipientId: null,
        status: 'pending',
        nextAttemptAt: now,
      });
    }
    await repo.insertNotifications(tx, rows);
  }
  return due.length;
}
