import type {
  TCreateSessionBody,
  TSessionDetail,
  TSessionSummary,
  TStepBody,
  ZCreateSessionBody,
  ZListSessionsQuery,
  ZStepBody,
} from '@rf/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../deps.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import { type AuthUser, hasRole } from '../../http/auth-context.js';
import type { EngineSession } from '../assistant/engine.js';
import { newId } from '../auth/tokens.js';
import * as handoffsRepo from '../handoffs/repo.js';
import { closeActiveHandoff, stampFirstAction } from '../handoffs/service.js';
import { recordEvent } from '../live/events.js';
import * as repo from './repo.js';

type Summary = NonNullable<Awaited<ReturnType<typeof repo.findSessionSummary>>>;
type TimelineWithAuthor = Awaited<ReturnType<typeof repo.listTimeline>>[number];

export function presentSummary(r: Summary): TSessionSummary {
  const s = r.session;
  return {
    id: s.id,
    title: s.title,
    problem: s.problem,
    customer: s.customer,
    asset: s.asset,
    category: s.category,
    status: s.status,
    owner: { id: s.ownerId, name: r.ownerName },
    createdBy: { id: s.createdById, name: r.creatorName },
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    resolvedAt: s.resolvedAt?.toISOString() ?? null,
    resolution: s.resolution,
    stepCount: r.stepCount,
  };
}

export function presentTimeline(rows: TimelineWithAuthor[]) {
  return rows.map(({ entry: e, authorName }) => ({
    id: e.id,
    kind: e.kind,
    text: e.text,
    outcome: e.outcome,
    detail: e.detail,
    author: e.authorId && authorName ? { id: e.authorId, name: authorName } : null,
    at: e.createdAt.toISOString(),
  }));
}

export async function createSession(
  deps: Deps,
  actor: AuthUser,
  body: z.output<typeof ZCreateSessionBody> | TCreateSessionBody,
) {
  const now = deps.clock();
  const s = await deps.db.db.transaction(async (tx) => {
    const row = await repo.insertSession(tx, {
      id: newId(),
      accountId: actor.accountId,
      title: body.title,
      problem: body.problem,
      customer: body.customer ?? null,
      asset: body.asset ?? null,
      category: body.category ?? null,
      ownerId: actor.id,
      createdById: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    // Teammates' session lists show it as it happens.
    const summary = await repo.findSessionSummary(tx, actor.accountId, row.id);
    await recordEvent(tx, actor.accountId, 'session.created', { session: presentSummary(summary!) });
    return row;
  });
  deps.afterCommit({ events: true, accountId: actor.accountId });
  return getSession(deps, actor, s.id);
}

export async function listSessions(deps: Deps, actor: AuthUser, q: z.output<typeof ZListSessionsQuery>) {
  const rows = await repo.listSessions(deps.db.db, actor.accountId, {
    status: q.status,
    ownerId: q.owner === 'me' ? actor.id : q.owner,
    q: q.q || undefined,
    limit: q.limit,
  });
  return rows.map(presentSummary);
}

export async function getSession(deps: Deps, actor: AuthUser, id: string): Promise<TSessionDetail> {
  const summary = await repo.findSessionSummary(deps.db.db, actor.accountId, id);
  if (!summary) throw notFound('Session');
  const [timeline, active] = await Promise.all([
    repo.listTimeline(deps.db.db, actor.accountId, id),
    handoffsRepo.findActiveForSession(deps.db.db, actor.accountId, id),
  ]);
  return {
    ...presentSummary(summary),
    timeline: presentTimeline(timeline),
    openHandoffId: active?.id ?? null,
  };
}

/** The session as the assistant reads it. */
export async function loadEngineSession(deps: Deps, accountId: string, id: string) {
  const summary = await repo.findSessionSummary(deps.db.db, accountId, id);
  if (!summary) return null;
  const timeline = await repo.listTimeline(deps.db.db, accountId, id);
  const engine: EngineSession = {
    title: summary.session.title,
    problem: summary.session.problem,
    customer: summary.session.customer,
    asset: summary.session.asset,
    category: summary.session.category,
    timeline: presentTimeline(timeline),
  };
  return { summary, engine };
}

/** Session writers: the session's owner, or an admin. Viewers never write. */
export function assertMayWrite(actor: AuthUser, session: repo.SessionRow) {
  if (!hasRole(actor, 'engineer')) throw forbidden('Viewers cannot change sessions');
  if (session.ownerId !== actor.id && !hasRole(actor, 'admin')) {
    throw forbidden('Only the session owner or an admin can change this session');
  }
}

type NewEntry = Omit<
  Parameters<typeof repo.insertTimelineEntries>[1][number],
  'id' | 'accountId' | 'sessionId'
>;
type SessionPatch = Parameters<typeof repo.updateSession>[3];

/**
 * Runs one session write in a transaction: locks the session, checks the writer, appends the
 * timeline entries, stamps the claimer's first action, updates the session (with whatever `extra`
 * returns) and records `session.updated`.
 */
async function writeToSession(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  entries: NewEntry[],
  extra?: (tx: Tx, now: Date) => Promise<SessionPatch>,
) {
  await deps.db.db.transaction(async (tx) => {
    const s = await repo.lockSession(tx, actor.accountId, sessionId);
    if (!s) throw notFound('Session');
    assertMayWrite(actor, s);
    if (s.status === 'resolved') throw new AppError('session_resolved', 409, 'This session is resolved');
    const now = deps.clock();
    await repo.insertTimelineEntries(
      tx,
      entries.map((e, i) => ({
        ...e,
        id: newId(),
        accountId: actor.accountId,
        sessionId,
        // keep a stable order inside one write
        createdAt: new Date(now.getTime() + i),
      })),
    );
    await stampFirstAction(tx, { accountId: actor.accountId, sessionId, actorId: actor.id, at: now });
    const patch = (await extra?.(tx, now)) ?? {};
    await repo.updateSession(tx, actor.accountId, sessionId, { ...patch, updatedAt: now });
    const summary = await repo.findSessionSummary(tx, actor.accountId, sessionId);
    await recordEvent(tx, actor.accountId, 'session.updated', { session: presentSummary(summary!) });
  });
  deps.afterCommit({ events: true, accountId: actor.accountId });
  return getSession(deps, actor, sessionId);
}

export function addStep(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body: z.output<typeof ZStepBody> | TStepBody,
) {
  return writeToSession(deps, actor, sessionId, [
    {
      kind: 'step',
      text: body.action,
      outcome: body.outcome,
      detail: body.detail ?? null,
      authorId: actor.id,
    },
  ]);
}

export function addNote(deps: Deps, actor: AuthUser, sessionId: string, text: string) {
  return writeToSession(deps, actor, sessionId, [{ kind: 'note', text, authorId: actor.id }]);
}

export async function askAssistant(deps: Deps, actor: AuthUser, sessionId: string, text: string) {
  const loaded = await loadEngineSession(deps, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  assertMayWrite(actor, loaded.summary.session);
  // The reply is computed outside the transaction: an LLM may take seconds.
  const reply = await deps.assistant.reply(loaded.engine, text);
  const session = await writeToSession(deps, actor, sessionId, [
    { kind: 'assistant_user', text, authorId: actor.id },
    { kind: 'assistant_reply', text: reply.text, detail: `engine:${reply.engine}`, authorId: null },
  ]);
  return { reply, session };
}

export function resolveSession(deps: Deps, actor: AuthUser, sessionId: string, resolution: string) {
  return writeToSession(
    deps,
    actor,
    sessionId,
    [{ kind: 'resolution', text: resolution, authorId: actor.id }],
    async (tx, now) => {
      await closeActiveHandoff(tx, { accountId: actor.accountId, sessionId, actorId: actor.id, at: now });
      return { status: 'resolved', resolvedAt: now, resolution };
    },
  );
}

export async function suggestions(deps: Deps, actor: AuthUser, sessionId: string) {
  const loaded = await loadEngineSession(deps, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  return deps.assistant.suggest(loaded.engine);
}
