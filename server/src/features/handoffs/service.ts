import type {
  TAssessmentWithStart,
  THandoff,
  THandoffContext,
  THandoffWithContext,
  TLlmAssessment,
  ZCreateHandoffBody,
} from '@rf/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { inTransaction, type TxDeps, type Work } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { AppError, conflict, notFound } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';
import type { EngineSession } from '../assistant/engine.js';
import { loadAccountHistory } from '../assistant/history.js';
import { newId } from '../auth/tokens.js';
import { queueEvent } from '../live/events.js';
import { buildEscalationNote, workedMinutes } from '../notes/builder.js';
import * as notesRepo from '../notes/repo.js';
import { saveTicketNote } from '../notes/save.js';
import { queuePsaPosts } from '../psa/outbox.js';
import { assertNoDenial, escalateDenial, writerDenial } from '../sessions/policy.js';
import { followedSteps, presentTimeline } from '../sessions/present.js';
import * as sessionsRepo from '../sessions/repo.js';
import { buildHandoffContext, SUGGESTED_LIMIT } from './context.js';
import { audit, queueHandoffEvent } from './lifecycle.js';
import { cancelDenial, claimDenial, releaseDenial } from './policy.js';
import { presentAudit, presentHandoff, presentHandoffBase } from './present.js';
import type { HandoffListRow } from './repo.js';
import * as repo from './repo.js';

export { buildHandoffContext };

async function loadHandoffRow(db: Tx | Deps['db']['db'], accountId: string, id: string) {
  const row = await repo.findHandoff(db, accountId, id);
  if (!row) throw notFound('Handoff');
  return row;
}

export async function escalate(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body: z.output<typeof ZCreateHandoffBody>,
  /** Where a failure after the commit is reported (the request's logger). */
  log?: ErrorLog,
): Promise<THandoffWithContext> {
  const targetTier = body.targetTier ?? null;
  const targetUserId = body.targetUserId ?? null;
  // The account's resolved cases (the assistant's "seen before"; cached per account): on PostgreSQL
  // read on another pooled connection while this one takes the session's lock. PGlite has a single
  // connection, which the transaction holds, so there they are read inside it.
  const historyElsewhere =
    deps.db.kind === 'postgres' ? loadAccountHistory(deps.db.db, actor.accountId, sessionId) : null;
  historyElsewhere?.catch(() => {}); // awaited below; a failure there fails the escalation
  // Every read the escalation needs is made under the session's lock, once: the snapshot's
  // tried-list and the assessment are of the same timeline, and the live card's wait (escalate →
  // commit) is as few round trips as the writes themselves (docs/BENCHMARKS.md, live fan-out).
  const handoffId = newId();
  // What the committed attempt assessed (an attempt retried after a deadlock assesses again).
  let engineSession: EngineSession | undefined;
  let assessed: TAssessmentWithStart | undefined;
  let answer: THandoffWithContext | undefined;
  let escalatedAt: Date | undefined;
  try {
    await inTransaction(deps, async (work) => {
      const { tx } = work;
      const locked = await sessionsRepo.lockSessionWithActiveHandoff(tx, actor.accountId, sessionId);
      if (!locked) throw notFound('Session');
      const s = locked.session;
      assertNoDenial(writerDenial(actor, s));
      if (targetUserId) {
        if (targetUserId === actor.id) {
          throw new AppError('invalid_input', 400, 'targetUserId: you cannot escalate to yourself', {
            field: 'targetUserId',
          });
        }
        const target = await repo.findTeammate(tx, actor.accountId, targetUserId);
        if (!target || !hasRole(target, 'engineer')) {
          throw new AppError('invalid_input', 400, 'targetUserId: no engineer with this id in your team', {
            field: 'targetUserId',
          });
        }
      }
      assertNoDenial(escalateDenial(actor, s, locked.activeHandoffId));
      const now = deps.clock();
      escalatedAt = now;
      const timelineRows = await sessionsRepo.listTimeline(tx, actor.accountId, sessionId);
      const timeline = presentTimeline(timelineRows);
      const engine: EngineSession = {
        title: s.title,
        problem: s.problem,
        customer: s.customer,
        asset: s.asset,
        category: s.category,
        timeline,
        history: await (historyElsewhere ?? loadAccountHistory(tx, actor.accountId, sessionId)),
      };
      engineSession = engine;
      // The escalation answers at once with the built-in assessment (about a millisecond); an LLM's
      // (when one is set up) is added to the handoff when it arrives, after the commit (below).
      const { assessed: builtin, suggestedActions } = await deps.assistant.assessForHandoff(
        engine,
        SUGGESTED_LIMIT,
      );
      assessed = builtin;
      const context = buildHandoffContext({
        session: { ...engine, createdAt: s.createdAt },
        timeline,
        assessed,
        suggestedNow: suggestedActions,
        followed: followedSteps(timelineRows),
        reason: body.reason,
        urgency: body.urgency,
        now,
      });
      const written = {
        id: handoffId,
        accountId: actor.accountId,
        sessionId,
        intent: 'escalate' as const,
        status: 'open' as const,
        reason: body.reason,
        urgency: body.urgency,
        targetTier,
        targetUserId,
        createdById: actor.id,
        ownerAtEscalation: s.ownerId,
        createdAt: now,
        context,
      };
      // Its delivery rows are written after the commit, once the live card has gone out (below).
      await repo.insertHandoff(tx, { ...written, deliveriesPending: true });
      await sessionsRepo.updateSession(tx, actor.accountId, sessionId, {
        status: 'escalated',
        updatedAt: now,
      });
      await sessionsRepo.insertTimelineEntries(tx, [
        {
          id: newId(),
          accountId: actor.accountId,
          sessionId,
          kind: 'handoff',
          text: `Escalated (${body.urgency}): ${body.reason}`,
          authorId: actor.id,
          createdAt: now,
        },
      ]);
      // The escalation's ticket note, in the same unit of work: the one the technician reviewed,
      // or the one written from this snapshot (issue 15).
      const noteText =
        body.note?.text ??
        buildEscalationNote({
          session: engine,
          context,
          targetTier,
          targetName: targetUserId ? await notesRepo.findUserName(tx, actor.accountId, targetUserId) : null,
        }).text;
      const savedNote = await saveTicketNote(work, {
        accountId: actor.accountId,
        sessionId,
        handoffId,
        kind: 'escalation',
        body: noteText,
        minutesWorked: workedMinutes(context.problemSummary.workedMinutes),
        createdById: actor.id,
        createdAt: now,
      });
      const auditId = await audit(tx, {
        accountId: actor.accountId,
        handoffId,
        action: 'created',
        actorId: actor.id,
        at: now,
      });
      // The saved note, exactly as reviewed, to the linked PSA ticket (outbox, after the commit).
      await queuePsaPosts(work, {
        accountId: actor.accountId,
        sessionId,
        noteId: savedNote.id,
        noteKind: 'escalation',
        text: noteText,
        minutesWorked: workedMinutes(context.problemSummary.workedMinutes),
        authorId: actor.id,
        now,
        options: body.psa,
      });
      // The handoff as `GET /api/handoffs/{id}` shows it, from what this unit of work wrote: the
      // live card and the answer need no read back (the escalate request's time is the live card's
      // wait; docs/BENCHMARKS.md, live fan-out). handoffs.test.ts compares it with the read.
      const row: HandoffListRow = {
        ...written,
        createdByName: actor.name,
        claimedById: null,
        claimedByName: null,
        claimedAt: null,
        firstActionAt: null,
        closedAt: null,
        sessionTitle: s.title,
        sessionCustomer: s.customer,
        sessionAsset: s.asset,
        sessionOwnerId: s.ownerId,
        sessionStatus: 'escalated',
        sessionActiveHandoffId: handoffId,
      };
      queueEvent(work, actor.accountId, 'handoff.created', { handoff: presentHandoffBase(row, now) });
      answer = {
        ...presentHandoff(row, now, actor),
        context,
        llmAssessment: null,
        audit: [
          {
            id: String(auditId),
            action: 'created',
            actor: { id: actor.id, name: actor.name },
            at: now.toISOString(),
          },
        ],
      };
    });
  } catch (err) {
    // Two escalations racing past the check: the partial unique index decides.
    if (isUniqueViolation(err))
      throw conflict('already_escalated', 'This session already has an open escalation');
    throw err;
  }
  // Committed, and the live card is out: now the in-app, e-mail and webhook rows, before the answer
  // (decision 032). The escalation stands if this fails; the outbox worker writes them then.
  try {
    await writeDeliveries(deps, actor.accountId, handoffId, escalatedAt!);
  } catch (err) {
    log?.error({ err }, 'escalation: writing the delivery rows failed; the outbox worker will');
  }
  deps.assistant.assessLater(engineSession!, assessed!, (llm) =>
    addLlmAssessment(deps, actor.accountId, handoffId, llm),
  );
  return answer!;
}

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

/**
 * Writes an escalation's delivery rows (one in-app and one e-mail row per teammate it reaches, and
 * the webhook's) in their own transaction, after the escalation committed and its live card went
 * out: the card's wait is the escalating transaction, and these rows are derived from what it
 * committed (decision 032). One conditional statement clears the handoff's `deliveries_pending`
 * and writes them, so of this request and the outbox worker's sweep only one ever does; the
 * worker is woken for the e-mail rows. `now` is the escalation's time (the rows' times and who
 * counts as on the page); the sweep passes its own.
 */
export async function writeDeliveries(deps: TxDeps, accountId: string, handoffId: string, now: Date) {
  return inTransaction(deps, async (work) => {
    const written = await repo.writeEscalationDeliveries(work.tx, { accountId, handoffId, now });
    if (written > 0) work.wakeAfterCommit();
    return written;
  });
}

/**
 * Adds an LLM assessment that arrived after the escalation was answered: next to the snapshot,
 * once, and tells the live stream. The built-in assessment in the snapshot stays.
 */
export async function addLlmAssessment(
  deps: Deps,
  accountId: string,
  handoffId: string,
  answer: TAssessmentWithStart,
): Promise<boolean> {
  const sessionId = await repo.findSessionIdOf(deps.db.db, accountId, handoffId);
  if (!sessionId) return false;
  return inTransaction(deps, async (work) => {
    await sessionsRepo.lockSession(work.tx, accountId, sessionId);
    const now = deps.clock();
    const value: TLlmAssessment = {
      assessment: { ...answer.assessment, engine: 'llm' },
      startHere: answer.startHere,
      addedAt: now.toISOString(),
    };
    if (!(await repo.addLlmAssessment(work.tx, accountId, handoffId, value))) return false;
    await queueHandoffEvent(work, { accountId, handoffId, type: 'handoff.assessment_added', now });
    return true;
  });
}

export async function listQueue(
  deps: Deps,
  actor: AuthUser,
  statuses: THandoff['status'][] | undefined,
  limit: number,
): Promise<THandoff[]> {
  const rows = await repo.listQueue(deps.db.db, actor.accountId, statuses ?? ['open'], limit);
  const now = deps.clock();
  return rows.map((r) => presentHandoff(r, now, actor));
}

export async function getHandoff(deps: Deps, actor: AuthUser, id: string): Promise<THandoffWithContext> {
  const db = deps.db.db;
  const row = await loadHandoffRow(db, actor.accountId, id);
  const [stored, auditRows] = await Promise.all([
    repo.findContext(db, actor.accountId, id),
    repo.listAudit(db, actor.accountId, id),
  ]);
  return {
    ...presentHandoff(row, deps.clock(), actor),
    context: stored!.context as THandoffContext,
    llmAssessment: (stored!.llmAssessment as TLlmAssessment | null) ?? null,
    audit: presentAudit(auditRows),
  };
}

/**
 * The common tail of every handoff transition, in its unit of work: the session's new owner or
 * status, a line in the session timeline, the audit row and the live event.
 */
async function recordTransition(
  work: Work,
  actor: AuthUser,
  t: {
    handoffId: string;
    sessionId: string;
    session: Parameters<typeof sessionsRepo.updateSession>[3];
    note: string;
    action: 'claimed' | 'released' | 'cancelled';
    event: 'handoff.claimed' | 'handoff.released' | 'handoff.cancelled';
    now: Date;
  },
) {
  const { tx } = work;
  await sessionsRepo.updateSession(tx, actor.accountId, t.sessionId, { ...t.session, updatedAt: t.now });
  await sessionsRepo.insertTimelineEntries(tx, [
    {
      id: newId(),
      accountId: actor.accountId,
      sessionId: t.sessionId,
      kind: 'handoff',
      text: t.note,
      authorId: actor.id,
      createdAt: t.now,
    },
  ]);
  await audit(tx, {
    accountId: actor.accountId,
    handoffId: t.handoffId,
    action: t.action,
    actorId: actor.id,
    at: t.now,
  });
  await queueHandoffEvent(work, {
    accountId: actor.accountId,
    handoffId: t.handoffId,
    type: t.event,
    now: t.now,
  });
}

/**
 * Runs a handoff transition with the fixed lock order: the handoff's session row first (its
 * session never changes, so it can be read before), then the handoff, events last.
 */
async function transitionHandoff<T>(
  deps: Deps,
  actor: AuthUser,
  id: string,
  fn: (work: Work, sessionId: string, now: Date) => Promise<T>,
): Promise<T> {
  const sessionId = await repo.findSessionIdOf(deps.db.db, actor.accountId, id);
  if (!sessionId) throw notFound('Handoff');
  return inTransaction(deps, async (work) => {
    await sessionsRepo.lockSession(work.tx, actor.accountId, sessionId);
    return fn(work, sessionId, deps.clock());
  });
}

export async function claim(deps: Deps, actor: AuthUser, id: string): Promise<THandoffWithContext> {
  await transitionHandoff(deps, actor, id, async (work, sessionId, now) => {
    // One conditional UPDATE decides (and the session lock already serialises claimers).
    const won = await repo.claimIfOpen(work.tx, actor.accountId, id, actor.id, now);
    if (!won) {
      assertNoDenial(claimDenial(actor, await loadHandoffRow(work.tx, actor.accountId, id)));
      throw conflict('not_open', 'This escalation changed meanwhile; reload and try again');
    }
    // The claimer now owns the session and works it from the handoff.
    await recordTransition(work, actor, {
      handoffId: id,
      sessionId,
      session: { ownerId: actor.id, status: 'active' },
      note: `${actor.name} picked up the escalation`,
      action: 'claimed',
      event: 'handoff.claimed',
      now,
    });
  });
  return getHandoff(deps, actor, id);
}

/**
 * Puts a claimed handoff back in the queue. `expectedClaimerId` (optional) is the claim the caller
 * saw: when someone else holds it by now, nothing is released (an admin's release that was in
 * flight while the card changed hands must not drop the fresh claim).
 */
export async function release(
  deps: Deps,
  actor: AuthUser,
  id: string,
  expectedClaimerId?: string,
): Promise<THandoffWithContext> {
  await transitionHandoff(deps, actor, id, async (work, sessionId, now) => {
    const current = await loadHandoffRow(work.tx, actor.accountId, id);
    assertNoDenial(releaseDenial(actor, current));
    const claimer = current.claimedById!;
    if (expectedClaimerId !== undefined && expectedClaimerId !== claimer) {
      const name = current.claimedByName ?? 'Someone else';
      throw conflict('not_claimed', `${name} picked this up meanwhile; nothing was released`, {
        claimedBy: { id: claimer, name },
      });
    }
    // Conditional on the claimer checked above: a release never drops a claim it did not check.
    const updated = await repo.transition(
      work.tx,
      actor.accountId,
      id,
      { status: 'claimed', claimedById: claimer },
      { status: 'open', claimedById: null, claimedAt: null, firstActionAt: null },
    );
    if (!updated) throw conflict('not_claimed', 'This escalation changed meanwhile; reload and try again');
    // Back to the queue: whoever owned the session when it was escalated owns it again until
    // someone picks it up (not the escalator: an admin may have escalated on someone's behalf).
    await recordTransition(work, actor, {
      handoffId: id,
      sessionId,
      session: { ownerId: current.ownerAtEscalation ?? current.createdById, status: 'escalated' },
      note: `${actor.name} released the escalation back to the queue`,
      action: 'released',
      event: 'handoff.released',
      now,
    });
  });
  return getHandoff(deps, actor, id);
}

export async function cancel(deps: Deps, actor: AuthUser, id: string): Promise<THandoffWithContext> {
  await transitionHandoff(deps, actor, id, async (work, sessionId, now) => {
    const current = await loadHandoffRow(work.tx, actor.accountId, id);
    assertNoDenial(cancelDenial(actor, current));
    const updated = await repo.transition(
      work.tx,
      actor.accountId,
      id,
      { status: 'open' },
      { status: 'cancelled', closedAt: now },
    );
    if (!updated) throw conflict('not_open', 'This escalation changed meanwhile; reload and try again');
    await recordTransition(work, actor, {
      handoffId: id,
      sessionId,
      session: { status: 'active' },
      note: `${actor.name} cancelled the escalation`,
      action: 'cancelled',
      event: 'handoff.cancelled',
      now,
    });
  });
  return getHandoff(deps, actor, id);
}
