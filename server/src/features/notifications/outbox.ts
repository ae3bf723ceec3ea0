import type { DbOrTx } from '../../db/client.js';
import { newId } from '../auth/tokens.js';
import type { InvitationPayload } from './delivery.js';
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
  await repo.insertNotifications(tx, [
    {
      id: newId(),
      accountId: o.accountId,
      handoffId: null,
      channel: 'email',
      intent: 'invitation',
      recipientId: null,
      status: 'pending',
      nextAttemptAt: o.now,
      payload,
      createdAt: o.now,
    },
  ]);
}
