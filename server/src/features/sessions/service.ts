import type {
  TAssistantMessageResponse,
  TCreateSessionBody,
  TPsaPostOptions,
  TSessionDetail,
  TStepBody,
  ZCreateSessionBody,
  ZListSessionsQuery,
  ZResolveBody,
  ZStepBody,
} from '@rf/contracts';
import type { z } from 'zod';
import { inTransaction, type Work } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import { newId } from '../auth/tokens.js';
import { suggestionMatcher } from '../handoffs/context.js';
import { closeActiveHandoff, stampFirstAction } from '../handoffs/lifecycle.js';
import { queueEvent } from '../live/events.js';
import { buildResolutionNote, minutesBetween, workedMinutes } from '../notes/builder.js';
import { saveTicketNote } from '../notes/save.js';
import { queuePsaPosts } from '../psa/outbox.js';
import { assertNoDenial, writeDenial, writerDenial } from './policy.js';
import { presentSummary, presentTimeline } from './present.js';
import { readEngineSession, readSessionDetail } from './reader.js';
import * as repo from './repo.js';

export async function createSession(
  deps: Deps,
  actor: AuthUser,
  body: z.output<typeof ZCreateSessionBody> | TCreateSessionBody,
) {
  const now = deps.clock();
  const s = await inTransaction(deps, async (work) => {
    const { tx } = work;
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
    queueEvent(work, actor.accountId, 'session.created', { session: presentSummary(summary!) });
    return row;
  });
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

export function getSession(deps: Deps, actor: AuthUser, id: string): Promise<TSessionDetail> {
  return readSessionDetail(deps.db.db, actor, id);
}

type NewEntry = Omit<
  Parameters<typeof repo.insertTimelineEntries>[1][number],
  'id' | 'accountId' | 'sessionId'
>;
type SessionPatch = Parameters<typeof repo.updateSession>[3];

/**
 * Runs one session write in a unit of work: locks the session, checks the writer, appends the
 * timeline entries, stamps the claimer's first action (at `arrivedAt`, when the request arrived),
 * updates the session (with whatever `extra` returns) and records `session.updated`.
 */
async function writeToSession(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  arrivedAt: Date,
  entries: NewEntry[],
  extra?: (work: Work, now: Date) => Promise<SessionPatch>,
) {
  await inTransaction(deps, async (work) => {
    const { tx } = work;
    const s = await repo.lockSession(tx, actor.accountId, sessionId);
    if (!s) throw notFound('Session');
    assertNoDenial(writeDenial(actor, s));
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
    await stampFirstAction(work, { accountId: actor.accountId, sessionId, actorId: actor.id, arrivedAt });
    const patch = (await extra?.(work, now)) ?? {};
    await repo.updateSession(tx, actor.accountId, sessionId, { ...patch, updatedAt: now });
    // The summary as the list shows it, so that teammates' session lists update in place.
    const summary = await repo.findSessionSummary(tx, actor.accountId, sessionId);
    queueEvent(work, actor.accountId, 'session.updated', { session: presentSummary(summary!) });
  });
  return getSession(deps, actor, sessionId);
}

export async function addStep(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body: z.output<typeof ZStepBody> | TStepBody,
) {
  const arrivedAt = deps.clock();
  // Whether the suggestions panel offered this action ("I did this"): what it offers now, or what it
  // offered before the first step. Decided as the step is logged, so the escalation snapshot marks
  // it "followed" without ranking the engine under its lock (decision 033). Read before the write,
  // like a chat message; the write checks the writer again under the session's lock.
  const loaded = await readEngineSession(deps.db.db, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  assertNoDenial(writeDenial(actor, loaded.session));
  const followed = suggestionMatcher(loaded.engine)(body.action);
  return writeToSession(deps, actor, sessionId, arrivedAt, [
    {
      kind: 'step',
      text: body.action,
      outcome: body.outcome,
      detail: body.detail ?? null,
      followed,
      authorId: actor.id,
    },
  ]);
}

export function addNote(deps: Deps, actor: AuthUser, sessionId: string, text: string) {
  return writeToSession(deps, actor, sessionId, deps.clock(), [{ kind: 'note', text, authorId: actor.id }]);
}

export async function askAssistant(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  text: string,
): Promise<TAssistantMessageResponse> {
  // The message counts as the claimer's action when it arrives, however long the answer takes.
  const arrivedAt = deps.clock();
  const loaded = await readEngineSession(deps.db.db, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  assertNoDenial(writerDenial(actor, loaded.session));
  // The reply is computed outside the transaction: an LLM may take a moment (it has a tight
  // timeout and falls back to the built-in engine).
  const reply = await deps.assistant.reply(loaded.engine, text);
  const session = await writeToSession(deps, actor, sessionId, arrivedAt, [
    { kind: 'assistant_user', text, authorId: actor.id },
    { kind: 'assistant_reply', text: reply.text, detail: `engine:${reply.engine}`, authorId: null },
  ]);
  return { reply, session };
}

/**
 * Resolves the session and saves its resolution note in the same unit of work (issue 15): the
 * note the technician reviewed (`body.note`), or, from a client that sends none, the note the
 * session writes from its log under the lock. A resolve that fails saves no note.
 */
export function resolveSession(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body:
    | z.output<typeof ZResolveBody>
    | { resolution: string; rootCause?: string; note?: undefined; psa?: TPsaPostOptions },
) {
  const { resolution } = body;
  return writeToSession(
    deps,
    actor,
    sessionId,
    deps.clock(),
    [{ kind: 'resolution', text: resolution, authorId: actor.id }],
    async (work, now) => {
      await closeActiveHandoff(work, { accountId: actor.accountId, sessionId, actorId: actor.id, at: now });
      const note = body.note ?? (await generatedResolutionNote(work, actor, sessionId, body, now));
      const saved = await saveTicketNote(work, {
        accountId: actor.accountId,
        sessionId,
        kind: 'resolution',
        body: note.text,
        minutesWorked: note.minutesWorked,
        createdById: actor.id,
        createdAt: now,
      });
      // The saved note, exactly as reviewed, to the linked PSA ticket through the outbox (after
      // the commit, never blocking the resolve).
      await queuePsaPosts(work, {
        accountId: actor.accountId,
        sessionId,
        noteId: saved.id,
        noteKind: 'resolution',
        text: note.text,
        minutesWorked: note.minutesWorked,
        authorId: actor.id,
        now,
        options: body.psa,
      });
      return { status: 'resolved', resolvedAt: now, resolution };
    },
  );
}

/** The resolution note as the session writes it now (read under the session lock). */
async function generatedResolutionNote(
  work: Work,
  actor: AuthUser,
  sessionId: string,
  body: { resolution: string; rootCause?: string },
  now: Date,
) {
  const s = (await repo.findSessionSummary(work.tx, actor.accountId, sessionId))!.session;
  const timeline = presentTimeline(await repo.listTimeline(work.tx, actor.accountId, sessionId));
  const minutesWorked = workedMinutes(minutesBetween(s.createdAt, now));
  const built = buildResolutionNote({
    session: s,
    timeline,
    resolution: body.resolution,
    rootCause: body.rootCause ?? null,
    minutesWorked,
  });
  return { text: built.text, minutesWorked };
}

export async function suggestions(deps: Deps, actor: AuthUser, sessionId: string) {
  const loaded = await readEngineSession(deps.db.db, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  return deps.assistant.suggest(loaded.engine);
}
