import type { DbOrTx } from '../../db/client.js';
import { newId } from '../auth/tokens.js';
import type { InvitationPayload, PasswordResetPayload } from './delivery.js';
import * as repo from './repo.js';

/**
 * Queues the invitation e-mail in the inviting transaction (the outbox worker sends it after
 * commit; the caller must call `work.wakeAfterCommit()` so that the workers wake at once).
 */
export async function queueInvitationEmail(
  tx: DbOrTx,
  o: Omit<InvitationPayload, 'intent' | 'expiresAt'> & { accountId: string; expiresAt: Date; now: Date },
) {
  const payload: InvitationPayload = {
    intent: 'invitation',
    invitationId: o.invitationId,
    to: o.to,
    acceptUrl: o.acceptUrl,
    accountName: o.accountName,
    inviterName: o.inviterName,
    role: o.role,
    tier: o.tier,
    expiresAt: o.expiresAt.toISOString(),
  };
  await queueAccountEmail(tx, o.accountId, payload, o.now);
}

/** Queues a "forgot password" e-mail in the transaction that records the link (as above). */
export async function queuePasswordResetEmail(
  tx: DbOrTx,
  o: {
    accountId: string;
    resetId: string;
    to: string;
    name: string;
    resetUrl: string;
    expiresAt: Date;
    now: Date;
  },
) {
  const payload: PasswordResetPayload = {
    intent: 'password_reset',
    resetId: o.resetId,
    to: o.to,
    name: o.name,
    resetUrl: o.resetUrl,
    expiresAt: o.expiresAt.toISOString(),
  };
  await queueAccountEmail(tx, o.accountId, payload, o.now);
}

/** One e-mail of the account that is about no escalation and no teammate's preferences, due now. */
async function queueAccountEmail(
  tx: DbOrTx,
  accountId: string,
  payload: InvitationPayload | PasswordResetPayload,
  now: Date,
) {
  await repo.insertNotifications(tx, [
    {
      id: newId(),
      accountId,
      handoffId: null,
      channel: 'email',
      intent: payload.intent,
      recipientId: null,
      status: 'pending',
      nextAttemptAt: now,
      payload,
      createdAt: now,
    },
  ]);
}
