/**
 * Who may write to a session, in one place: the services enforce it and the presenters answer
 * `can.write` / `can.escalate` from the same functions, so the two cannot disagree.
 */
import { AppError, conflict, forbidden } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';

export interface SessionFacts {
  ownerId: string;
  status: 'active' | 'escalated' | 'resolved';
}

/** Session writers: the session's owner, or an admin. Viewers never write. Null when allowed. */
export function writerDenial(actor: AuthUser, s: Pick<SessionFacts, 'ownerId'>): AppError | null {
  if (!hasRole(actor, 'engineer')) return forbidden('Viewers cannot change sessions');
  if (s.ownerId !== actor.id && !hasRole(actor, 'admin')) {
    return forbidden('Only the session owner or an admin can change this session');
  }
  return null;
}

/** A write (step, note, assistant message, resolve): a writer, on a session that is not resolved. */
export function writeDenial(actor: AuthUser, s: SessionFacts): AppError | null {
  return (
    writerDenial(actor, s) ??
    (s.status === 'resolved' ? new AppError('session_resolved', 409, 'This session is resolved') : null)
  );
}

/** Escalating: a write, on a session without an open or claimed handoff. */
export function escalateDenial(
  actor: AuthUser,
  s: SessionFacts,
  activeHandoffId: string | null,
): AppError | null {
  return (
    writeDenial(actor, s) ??
    (activeHandoffId
      ? conflict('already_escalated', 'This session already has an open escalation', {
          handoffId: activeHandoffId,
        })
      : null)
  );
}

export function assertNoDenial(denial: AppError | null): void {
  if (denial) throw denial;
}
