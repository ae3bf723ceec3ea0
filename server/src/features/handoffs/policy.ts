/**
 * Who may claim, release or cancel a handoff, in one place: the services enforce these and the
 * presenters answer `can` from the same functions.
 */
import type { TCan } from '@rf/contracts';
import { type AppError, conflict, forbidden } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';
import { escalateDenial, type SessionFacts, writeDenial } from '../sessions/policy.js';

export interface HandoffFacts {
  status: 'open' | 'claimed' | 'cancelled' | 'resolved';
  createdById: string;
  claimedById: string | null;
  claimedByName: string | null;
}

export function claimDenial(actor: AuthUser, h: HandoffFacts): AppError | null {
  if (!hasRole(actor, 'engineer')) return forbidden('Viewers cannot pick up escalations');
  if (h.status === 'claimed' && h.claimedById) {
    return conflict('already_claimed', `${h.claimedByName ?? 'Someone'} picked this up`, {
      claimedBy: { id: h.claimedById, name: h.claimedByName ?? '' },
    });
  }
  if (h.status !== 'open') return conflict('not_open', `This escalation is ${h.status}`);
  if (h.createdById === actor.id) return conflict('own_escalation', 'You cannot pick up your own escalation');
  return null;
}

export function releaseDenial(actor: AuthUser, h: HandoffFacts): AppError | null {
  if (!hasRole(actor, 'engineer')) return forbidden('Viewers cannot release escalations');
  if (h.status !== 'claimed') {
    return conflict('not_claimed', `Only a claimed escalation can be released; this one is ${h.status}`);
  }
  if (h.claimedById !== actor.id && !hasRole(actor, 'admin')) {
    return forbidden('Only the claimer or an admin can release this');
  }
  return null;
}

export function cancelDenial(actor: AuthUser, h: HandoffFacts): AppError | null {
  if (!hasRole(actor, 'engineer')) return forbidden('Viewers cannot cancel escalations');
  if (h.createdById !== actor.id && !hasRole(actor, 'admin')) {
    return forbidden('Only the escalator or an admin can cancel this');
  }
  if (h.status !== 'open') {
    return conflict('not_open', `Only an open escalation can be cancelled; this one is ${h.status}`);
  }
  return null;
}

/**
 * What `actor` may do: with the handoff (`claim`, `release`, `cancel`) and with its session
 * (`write`, `escalate`), given the session and its active handoff (null when none).
 */
export function presentCan(
  actor: AuthUser,
  h: HandoffFacts | null,
  session: SessionFacts,
  activeHandoffId: string | null,
): TCan {
  return {
    claim: h !== null && claimDenial(actor, h) === null,
    release: h !== null && releaseDenial(actor, h) === null,
    cancel: h !== null && cancelDenial(actor, h) === null,
    write: writeDenial(actor, session) === null,
    escalate: escalateDenial(actor, session, activeHandoffId) === null,
  };
}
