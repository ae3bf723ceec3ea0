/**
 * The parts of a handoff's life that session writes trigger: the claimer's first action, and
 * closing the active handoff when its session is resolved. Used by the session and handoff
 * services alike; it only uses repos and the events module, inside the caller's unit of work.
 */
import type { TAuditEntry } from '@rf/contracts';
import type { DbOrTx } from '../../db/client.js';
import type { Work } from '../../db/tx.js';
import { queueEvent } from '../live/events.js';
import { presentHandoffBase } from './present.js';
import * as repo from './repo.js';

export async function audit(
  db: DbOrTx,
  o: {
    accountId: string;
    handoffId: string;
    action: TAuditEntry['action'];
    actorId: string | null;
    at: Date;
  },
): Promise<number> {
  return repo.insertAudit(db, {
    accountId: o.accountId,
    handoffId: o.handoffId,
    action: o.action,
    actorId: o.actorId,
    at: o.at,
  });
}

/** Records `type` for the handoff as it is now in the transaction (written last, see db/tx.ts). */
export async function queueHandoffEvent(
  work: Work,
  o: {
    accountId: string;
    handoffId: string;
    type:
      | 'handoff.created'
      | 'handoff.claimed'
      | 'handoff.released'
      | 'handoff.cancelled'
      | 'handoff.first_action'
      | 'handoff.assessment_added'
      | 'handoff.resolved';
    now: Date;
  },
) {
  const row = await repo.findHandoff(work.tx, o.accountId, o.handoffId);
  if (!row) throw new Error(`queueHandoffEvent: no handoff ${o.handoffId}`);
  queueEvent(work, o.accountId, o.type, { handoff: presentHandoffBase(row, o.now) });
}

/**
 * In every session write's unit of work (the session row already locked): the claimer's first
 * action after the claim. `arrivedAt` is when the request arrived, not when it was written (an
 * assistant answer may take seconds in between).
 */
export async function stampFirstAction(
  work: Work,
  o: { accountId: string; sessionId: string; actorId: string; arrivedAt: Date },
) {
  const handoffId = await repo.stampFirstActionIfUnset(
    work.tx,
    o.accountId,
    o.sessionId,
    o.actorId,
    o.arrivedAt,
  );
  if (!handoffId) return;
  await audit(work.tx, {
    accountId: o.accountId,
    handoffId,
    action: 'first_action',
    actorId: o.actorId,
    at: o.arrivedAt,
  });
  await queueHandoffEvent(work, {
    accountId: o.accountId,
    handoffId,
    type: 'handoff.first_action',
    now: o.arrivedAt,
  });
}

/**
 * Resolving a session closes its active handoff (the session row already locked), and tells the
 * live stream (`handoff.resolved`: the card leaves every queue).
 */
export async function closeActiveHandoff(
  work: Work,
  o: { accountId: string; sessionId: string; actorId: string; at: Date },
) {
  const active = await repo.findActiveForSession(work.tx, o.accountId, o.sessionId);
  if (!active) return;
  await repo.transition(
    work.tx,
    o.accountId,
    active.id,
    { status: active.status },
    {
      status: 'resolved',
      closedAt: o.at,
    },
  );
  await audit(work.tx, {
    accountId: o.accountId,
    handoffId: active.id,
    action: 'resolved',
    actorId: o.actorId,
    at: o.at,
  });
  await queueHandoffEvent(work, {
    accountId: o.accountId,
    handoffId: active.id,
    type: 'handoff.resolved',
    now: o.at,
  });
}
