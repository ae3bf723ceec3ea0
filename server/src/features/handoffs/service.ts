import type {
  TAuditEntry,
  THandoff,
  THandoffContext,
  THandoffWithContext,
  TTimelineEntry,
  ZCreateHandoffBody,
} from '@rf/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Deps } from '../../deps.js';
import { AppError, conflict, forbidden, notFound } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';
import type { EngineSession } from '../assistant/engine.js';
import { newId } from '../auth/tokens.js';
import { recordEvent } from '../live/events.js';
import * as sessionsRepo from '../sessions/repo.js';
import { assertMayWrite, loadEngineSession, presentTimeline } from '../sessions/service.js';
import * as repo from './repo.js';

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

export function presentHandoff(r: repo.HandoffListRow, now: Date): THandoff {
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

/** Builds the immutable handoff snapshot from the session, its timeline and the assessment. */
export function buildHandoffContext(opts: {
  session: EngineSession & { createdAt: Date };
  timeline: TTimelineEntry[];
  assessed: Awaited<ReturnType<Deps['assistant']['assess']>>;
  reason: string;
  urgency: THandoffContext['problemSummary']['urgency'];
  now: Date;
}): THandoffContext {
  const { session, timeline, assessed } = opts;
  const tried: THandoffContext['tried'] = [];
  timeline.forEach((e, i) => {
    if (e.kind === 'step')
      tried.push({ kind: 'step', text: e.text, outcome: e.outcome, at: e.at, detail: e.detail });
    else if (e.kind === 'note') tried.push({ kind: 'note', text: e.text, outcome: null, at: e.at });
    else if (e.kind === 'assistant_reply') {
      // Followed = a step logged after this reply does what the reply suggested.
      const later = timeline.slice(i + 1).filter((x) => x.kind === 'step');
      tried.push({
        kind: 'suggestion',
        text: e.text,
        outcome: null,
        at: e.at,
        followed: later.some((x) => mentions(e.text, x.text)),
      });
    }
  });
  return {
    problemSummary: {
      title: session.title,
      problem: session.problem,
      customer: session.customer,
      asset: session.asset,
      urgency: opts.urgency,
      reason: opts.reason,
      workedMinutes: Math.max(0, Math.round((opts.now.getTime() - session.createdAt.getTime()) / 60_000)),
    },
    tried,
    assessment: assessed.assessment,
    startHere: assessed.startHere,
  };
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const mentions = (reply: string, step: string) => {
  const s = normalise(step);
  return s.length > 8 && normalise(reply).includes(s);
};

async function audit(
  tx: Tx,
  accountId: string,
  handoffId: string,
  action: TAuditEntry['action'],
  actorId: string | null,
  at: Date,
) {
  await repo.insertAudit(tx, { accountId, handoffId, action, actorId, at });
}

async function loadPresented(db: Tx | Deps['db']['db'], accountId: string, id: string, now: Date) {
  const row = await repo.findHandoff(db, accountId, id);
  if (!row) throw notFound('Handoff');
  return presentHandoff(row, now);
}

async function withContext(deps: Deps, accountId: string, h: THandoff): Promise<THandoffWithContext> {
  const [context, auditRows] = await Promise.all([
    repo.findContext(deps.db.db, accountId, h.id),
    repo.listAudit(deps.db.db, accountId, h.id),
  ]);
  return {
    ...h,
    context: context as THandoffContext,
    audit: auditRows.map(({ audit: a, actorName }) => ({
      id: String(a.id),
      action: a.action,
      actor: a.actorId && actorName ? { id: a.actorId, name: actorName } : null,
      at: a.at.toISOString(),
    })),
  };
}

export async function escalate(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body: z.output<typeof ZCreateHandoffBody>,
): Promise<THandoffWithContext> {
  const loaded = await loadEngineSession(deps, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  assertMayWrite(actor, loaded.summary.session);
  const targetTier = body.targetTier ?? null;
  const targetUserId = body.targetUserId ?? null;
  if (targetUserId) {
    if (targetUserId === actor.id) {
      throw new AppError('invalid_input', 400, 'targetUserId: you cannot escalate to yourself', {
        field: 'targetUserId',
      });
    }
    const target = await repo.findTeammate(deps.db.db, actor.accountId, targetUserId);
    if (!target || !hasRole(target, 'engineer')) {
      throw new AppError('invalid_input', 400, 'targetUserId: no engineer with this id in your team', {
        field: 'targetUserId',
      });
    }
  }
  // The assessment may come from an LLM, which can take seconds: compute it before the transaction.
  const assessed = await deps.assistant.assess(loaded.engine);

  const handoffId = newId();
  try {
    await deps.db.db.transaction(async (tx) => {
      const s = await sessionsRepo.lockSession(tx, actor.accountId, sessionId);
      if (!s) throw notFound('Session');
      assertMayWrite(actor, s); // again, under the lock: the owner may have changed meanwhile
      if (s.status === 'resolved') throw conflict('session_resolved', 'This session is already resolved');
      const existing = await repo.findActiveForSession(tx, actor.accountId, sessionId);
      if (existing) {
        throw conflict('already_escalated', 'This session already has an open escalation', {
          handoffId: existing.id,
        });
      }
      const now = deps.clock();
      // Read again under the lock: the snapshot's tried-list must hold every step committed
      // before the handoff, including one logged while the assessment was being computed.
      const timeline = await sessionsRepo.listTimeline(tx, actor.accountId, sessionId);
      const context = buildHandoffContext({
        session: { ...loaded.engine, createdAt: s.createdAt },
        timeline: presentTimeline(timeline),
        assessed,
        reason: body.reason,
        urgency: body.urgency,
        now,
      });
      await repo.insertHandoff(tx, {
        id: handoffId,
        accountId: actor.accountId,
        sessionId,
        intent: 'escalate',
        status: 'open',
        reason: body.reason,
        urgency: body.urgency,
        targetTier,
        targetUserId,
        createdById: actor.id,
        createdAt: now,
        context,
      });
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
      await audit(tx, actor.accountId, handoffId, 'created', actor.id, now);
      await queueEscalationNotifications(tx, {
        accountId: actor.accountId,
        handoffId,
        actorId: actor.id,
        targetTier,
        targetUserId,
        now,
      });
      const presented = await loadPresented(tx, actor.accountId, handoffId, now);
      await recordEvent(tx, actor.accountId, 'handoff.created', { handoff: presented });
    });
  } catch (err) {
    // Two escalations racing past the check: the partial unique index decides.
    if (isUniqueViolation(err))
      throw conflict('already_escalated', 'This session already has an open escalation');
    throw err;
  }
  deps.afterCommit({ events: true, notifications: true, accountId: actor.accountId });
  return getHandoff(deps, actor, handoffId);
}

/** Writes the outbox rows in the escalating transaction; a worker delivers them after commit. */
async function queueEscalationNotifications(
  tx: Tx,
  o: {
    accountId: string;
    handoffId: string;
    actorId: string;
    targetTier: number | null;
    targetUserId: string | null;
    now: Date;
  },
) {
  const recipients = await repo.listRecipients(tx, o.accountId, {
    excludeUserId: o.actorId,
    targetTier: o.targetTier,
    targetUserId: o.targetUserId,
  });
  const payload = { intent: 'escalate', handoffId: o.handoffId };
  const rows: Parameters<typeof repo.insertNotifications>[1] = [];
  for (const r of recipients) {
    // in_app is the stored live event itself: it is delivered by being committed and replayable.
    rows.push({
      id: newId(),
      accountId: o.accountId,
      handoffId: o.handoffId,
      channel: 'in_app',
      recipientId: r.id,
      status: 'sent',
      sentAt: o.now,
      payload,
      createdAt: o.now,
    });
    rows.push(
      r.emailNotifications
        ? {
            id: newId(),
            accountId: o.accountId,
            handoffId: o.handoffId,
            channel: 'email',
            recipientId: r.id,
            status: 'pending',
            nextAttemptAt: o.now,
            payload,
            createdAt: o.now,
          }
        : {
            id: newId(),
            accountId: o.accountId,
            handoffId: o.handoffId,
            channel: 'email',
            recipientId: r.id,
            status: 'skipped',
            lastError: 'Email notifications are turned off for this user',
            payload,
            createdAt: o.now,
          },
    );
  }
  const webhookUrl = await repo.findAccountWebhook(tx, o.accountId);
  if (webhookUrl) {
    rows.push({
      id: newId(),
      accountId: o.accountId,
      handoffId: o.handoffId,
      channel: 'webhook',
      recipientId: null,
      status: 'pending',
      nextAttemptAt: o.now,
      payload: { ...payload, url: webhookUrl },
      createdAt: o.now,
    });
  }
  await repo.insertNotifications(tx, rows);
}

export async function listQueue(
  deps: Deps,
  actor: AuthUser,
  statuses: THandoff['status'][] | undefined,
  limit: number,
) {
  const rows = await repo.listQueue(deps.db.db, actor.accountId, statuses ?? ['open'], limit);
  const now = deps.clock();
  return rows.map((r) => presentHandoff(r, now));
}

export async function getHandoff(deps: Deps, actor: AuthUser, id: string) {
  const h = await loadPresented(deps.db.db, actor.accountId, id, deps.clock());
  return withContext(deps, actor.accountId, h);
}

/**
 * The common tail of every handoff transition, in its transaction: the session's new owner or
 * status, a line in the session timeline, the audit row and the live event.
 */
async function recordTransition(
  tx: Tx,
  actor: AuthUser,
  t: {
    handoffId: string;
    sessionId: string;
    session: Parameters<typeof sessionsRepo.updateSession>[3];
    note: string;
    action: TAuditEntry['action'];
    event: 'handoff.claimed' | 'handoff.released' | 'handoff.cancelled';
    now: Date;
  },
) {
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
  await audit(tx, actor.accountId, t.handoffId, t.action, actor.id, t.now);
  await recordEvent(tx, actor.accountId, t.event, {
    handoff: await loadPresented(tx, actor.accountId, t.handoffId, t.now),
  });
}

export async function claim(deps: Deps, actor: AuthUser, id: string): Promise<THandoffWithContext> {
  await deps.db.db.transaction(async (tx) => {
    const now = deps.clock();
    const won = await repo.claimIfOpen(tx, actor.accountId, id, actor.id, now);
    if (!won) {
      const current = await repo.findHandoff(tx, actor.accountId, id);
      if (!current) throw notFound('Handoff');
      if (current.status === 'claimed' && current.claimedById) {
        throw conflict('already_claimed', `${current.claimedByName} picked this up`, {
          claimedBy: { id: current.claimedById, name: current.claimedByName },
        });
      }
      if (current.createdById === actor.id && current.status === 'open') {
        throw conflict('own_escalation', 'You cannot pick up your own escalation');
      }
      throw conflict('not_open', `This escalation is ${current.status}`);
    }
    // The claimer now owns the session and works it from the handoff.
    await recordTransition(tx, actor, {
      handoffId: id,
      sessionId: won.sessionId,
      session: { ownerId: actor.id, status: 'active' },
      note: `${actor.name} picked up the escalation`,
      action: 'claimed',
      event: 'handoff.claimed',
      now,
    });
  });
  deps.afterCommit({ events: true, accountId: actor.accountId });
  return getHandoff(deps, actor, id);
}

export async function release(deps: Deps, actor: AuthUser, id: string) {
  await deps.db.db.transaction(async (tx) => {
    const now = deps.clock();
    const current = await repo.findHandoff(tx, actor.accountId, id);
    if (!current) throw notFound('Handoff');
    if (current.status !== 'claimed')
      throw conflict(
        'not_claimed',
        `Only a claimed escalation can be released; this one is ${current.status}`,
      );
    if (current.claimedById !== actor.id && !hasRole(actor, 'admin'))
      throw forbidden('Only the claimer or an admin can release this');
    const updated = await repo.transition(tx, actor.accountId, id, 'claimed', {
      status: 'open',
      claimedById: null,
      claimedAt: null,
      firstActionAt: null,
    });
    if (!updated) throw conflict('not_claimed', 'This escalation changed meanwhile; reload and try again');
    // Back to the queue: the escalator owns the session again until someone picks it up.
    await recordTransition(tx, actor, {
      handoffId: id,
      sessionId: current.sessionId,
      session: { ownerId: current.createdById, status: 'escalated' },
      note: `${actor.name} released the escalation back to the queue`,
      action: 'released',
      event: 'handoff.released',
      now,
    });
  });
  deps.afterCommit({ events: true, accountId: actor.accountId });
  return getHandoff(deps, actor, id);
}

export async function cancel(deps: Deps, actor: AuthUser, id: string) {
  await deps.db.db.transaction(async (tx) => {
    const now = deps.clock();
    const current = await repo.findHandoff(tx, actor.accountId, id);
    if (!current) throw notFound('Handoff');
    if (current.createdById !== actor.id && !hasRole(actor, 'admin'))
      throw forbidden('Only the escalator or an admin can cancel this');
    if (current.status !== 'open')
      throw conflict('not_open', `Only an open escalation can be cancelled; this one is ${current.status}`);
    const updated = await repo.transition(tx, actor.accountId, id, 'open', {
      status: 'cancelled',
      closedAt: now,
    });
    if (!updated) throw conflict('not_open', 'This escalation changed meanwhile; reload and try again');
    await recordTransition(tx, actor, {
      handoffId: id,
      sessionId: current.sessionId,
      session: { status: 'active' },
      note: `${actor.name} cancelled the escalation`,
      action: 'cancelled',
      event: 'handoff.cancelled',
      now,
    });
  });
  deps.afterCommit({ events: true, accountId: actor.accountId });
  return getHandoff(deps, actor, id);
}

/** Called in every session write's transaction: the claimer's first action after the claim. */
export async function stampFirstAction(
  tx: Tx,
  o: { accountId: string; sessionId: string; actorId: string; at: Date },
) {
  const handoffId = await repo.stampFirstActionIfUnset(tx, o.accountId, o.sessionId, o.actorId, o.at);
  if (!handoffId) return;
  await audit(tx, o.accountId, handoffId, 'first_action', o.actorId, o.at);
  const row = await repo.findHandoff(tx, o.accountId, handoffId);
  await recordEvent(tx, o.accountId, 'handoff.first_action', { handoff: presentHandoff(row!, o.at) });
}

/** Resolving a session closes its active handoff. */
export async function closeActiveHandoff(
  tx: Tx,
  o: { accountId: string; sessionId: string; actorId: string; at: Date },
) {
  const active = await repo.findActiveForSession(tx, o.accountId, o.sessionId);
  if (!active) return;
  await repo.transition(tx, o.accountId, active.id, active.status, { status: 'resolved', closedAt: o.at });
  await audit(tx, o.accountId, active.id, 'resolved', o.actorId, o.at);
  await recordEvent(tx, o.accountId, 'handoff.resolved', {
    handoff: await loadPresented(tx, o.accountId, active.id, o.at),
  });
}

export async function listNotifications(deps: Deps, actor: AuthUser, handoffId: string) {
  const h = await repo.findHandoff(deps.db.db, actor.accountId, handoffId);
  if (!h) throw notFound('Handoff');
  const rows = await repo.listNotifications(deps.db.db, actor.accountId, handoffId);
  return rows.map(({ n, recipientName }) => ({
    id: n.id,
    channel: n.channel,
    recipientId: n.recipientId,
    recipient: n.recipientId && recipientName ? { id: n.recipientId, name: recipientName } : null,
    status: n.status,
    attempts: n.attempts,
    lastError: n.lastError,
    nextAttemptAt: n.nextAttemptAt?.toISOString() ?? null,
    sentAt: n.sentAt?.toISOString() ?? null,
  }));
}
