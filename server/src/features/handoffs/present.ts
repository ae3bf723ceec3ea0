/** How handoffs are presented: to everyone (live events) and to one caller (with `can`). */
import type { TAuditEntry, THandoff, THandoffBase } from '@rf/contracts';
import type { AuthUser } from '../../http/auth-context.js';
import { presentCan } from './policy.js';
import type * as repo from './repo.js';

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** What the broadcast shape reads of a handoff: a row as read, or one just written. */
export type HandoffBaseFacts = Pick<
  repo.HandoffListRow,
  | 'id'
  | 'sessionId'
  | 'intent'
  | 'status'
  | 'reason'
  | 'urgency'
  | 'targetTier'
  | 'targetUserId'
  | 'createdById'
  | 'createdByName'
  | 'createdAt'
  | 'claimedById'
  | 'claimedByName'
  | 'claimedAt'
  | 'firstActionAt'
  | 'closedAt'
  | 'sessionTitle'
  | 'sessionCustomer'
  | 'sessionAsset'
>;

/** The broadcast shape (live events): what every member of the account may see. */
export function presentHandoffBase(r: HandoffBaseFacts, now: Date): THandoffBase {
  // Waiting time runs until someone picks it up (or it closes).
  const end = r.claimedAt ?? r.closedAt ?? now;
  return {
    id: r.id,
    sessionId: r.sessionId,
    intent: r.intent,
    status: r.status,
    reason: r.reason,
    urgency: r.urgency,
    targetTier: r.targetTier,
    targetUserId: r.targetUserId,
    createdBy: { id: r.createdById, name: r.createdByName },
    createdAt: r.createdAt.toISOString(),
    claimedBy: r.claimedById && r.claimedByName ? { id: r.claimedById, name: r.claimedByName } : null,
    claimedAt: r.claimedAt?.toISOString() ?? null,
    firstActionAt: r.firstActionAt?.toISOString() ?? null,
    waitingSeconds: seconds(end.getTime() - r.createdAt.getTime()),
    session: { title: r.sessionTitle, customer: r.sessionCustomer, asset: r.sessionAsset },
  };
}

/** A handoff as one caller sees it: the broadcast shape plus what the caller may do. */
export function presentHandoff(r: repo.HandoffListRow, now: Date, actor: AuthUser): THandoff {
  return {
    ...presentHandoffBase(r, now),
    can: presentCan(
      actor,
      r,
      { ownerId: r.sessionOwnerId, status: r.sessionStatus },
      r.sessionActiveHandoffId,
    ),
  };
}

export function presentAudit(rows: Awaited<ReturnType<typeof repo.listAudit>>): TAuditEntry[] {
  return rows.map(({ audit: a, actorName }) => ({
    id: String(a.id),
    action: a.action,
    actor: a.actorId && actorName ? { id: a.actorId, name: actorName } : null,
    at: a.at.toISOString(),
  }));
}
