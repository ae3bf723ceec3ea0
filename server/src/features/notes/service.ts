import type { TNoteExportFormat, TTicketNote, TUrgency, ZNotePreviewBody } from '@rf/contracts';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import { buildHandoffContext, SUGGESTED_LIMIT } from '../handoffs/context.js';
import { assertNoDenial, writeDenial } from '../sessions/policy.js';
import { presentTimeline } from '../sessions/present.js';
import { readEngineSession } from '../sessions/reader.js';
import * as sessionsRepo from '../sessions/repo.js';
import { buildEscalationNote, buildResolutionNote, minutesBetween, workedMinutes } from './builder.js';
import { htmlDocument, parsePlain, renderHtml, renderMarkdown } from './format.js';
import * as repo from './repo.js';

type NoteRow = NonNullable<Awaited<ReturnType<typeof repo.findNote>>>;

function presentNote(r: NoteRow): TTicketNote {
  const n = r.note;
  return {
    id: n.id,
    sessionId: n.sessionId,
    handoffId: n.handoffId,
    kind: n.kind,
    body: n.body,
    minutesWorked: n.minutesWorked,
    createdBy: { id: n.createdById, name: r.authorName },
    createdAt: n.createdAt.toISOString(),
  };
}

/**
 * The note the session would write now, from what the technician has typed so far. Nothing is
 * saved. Only someone who may resolve or escalate the session asks for it.
 */
export async function previewNote(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  body: z.output<typeof ZNotePreviewBody> & {
    minutesWorked?: number;
    urgency?: TUrgency;
    targetTier?: number | null;
    targetUserId?: string | null;
  },
) {
  const loaded = await readEngineSession(deps.db.db, actor.accountId, sessionId);
  if (!loaded) throw notFound('Session');
  assertNoDenial(writeDenial(actor, loaded.session));
  const now = deps.clock();
  const session = loaded.engine;
  const timeline = presentTimeline(await sessionsRepo.listTimeline(deps.db.db, actor.accountId, sessionId));
  if (body.kind === 'resolution') {
    const minutesWorked = body.minutesWorked ?? workedMinutes(minutesBetween(loaded.session.createdAt, now));
    const note = buildResolutionNote({
      session,
      timeline,
      resolution: body.resolution ?? '',
      rootCause: body.rootCause ?? null,
      minutesWorked,
    });
    return { text: note.text, markdown: note.markdown, html: note.html, minutesWorked };
  }
  // The same snapshot the escalation will take (the built-in assessment is deterministic).
  const { assessed, suggestedActions } = await deps.assistant.assessForHandoff(session, SUGGESTED_LIMIT);
  const context = buildHandoffContext({
    session: { ...session, createdAt: loaded.session.createdAt },
    timeline,
    assessed,
    suggestedNow: suggestedActions,
    followed: loaded.followed,
    reason: body.reason ?? '',
    urgency: body.urgency ?? 'normal',
    now,
  });
  const targetName = body.targetUserId
    ? await repo.findUserName(deps.db.db, actor.accountId, body.targetUserId)
    : null;
  const note = buildEscalationNote({
    session,
    context,
    targetTier: body.targetTier ?? null,
    targetName,
  });
  return {
    text: note.text,
    markdown: note.markdown,
    html: note.html,
    minutesWorked: workedMinutes(context.problemSummary.workedMinutes),
  };
}

async function sessionOrNotFound(deps: Deps, actor: AuthUser, sessionId: string) {
  const s = await sessionsRepo.findSessionSummary(deps.db.db, actor.accountId, sessionId);
  if (!s) throw notFound('Session');
  return s.session;
}

/** The session's saved notes, oldest first. Everyone in the account reads them. */
export async function listNotes(deps: Deps, actor: AuthUser, sessionId: string): Promise<TTicketNote[]> {
  await sessionOrNotFound(deps, actor, sessionId);
  const rows = await repo.listNotes(deps.db.db, actor.accountId, sessionId);
  return rows.map(presentNote);
}

const EXPORTS: Record<TNoteExportFormat, { ext: string; contentType: string }> = {
  md: { ext: 'md', contentType: 'text/markdown; charset=utf-8' },
  txt: { ext: 'txt', contentType: 'text/plain; charset=utf-8' },
  html: { ext: 'html', contentType: 'text/html; charset=utf-8' },
};

/** An ASCII file-name part from a title: "VPN drops / \"HQ\"" → "vpn-drops-hq". */
export function slug(s: string, max = 40): string {
  const out = s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return out || 'session';
}

/**
 * One saved note as a download: the saved text as it is, or Markdown or HTML made from it
 * (read back into its blocks, so the technician's edits are what is exported).
 */
export async function exportNote(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
  noteId: string,
  format: TNoteExportFormat,
) {
  const session = await sessionOrNotFound(deps, actor, sessionId);
  const row = await repo.findNote(deps.db.db, actor.accountId, sessionId, noteId);
  if (!row) throw notFound('Note');
  const n = row.note;
  const blocks = parsePlain(n.body);
  const title = `${n.kind === 'resolution' ? 'Resolution' : 'Escalation'} note: ${session.title}`;
  const content =
    format === 'txt'
      ? n.body.endsWith('\n')
        ? n.body
        : `${n.body}\n`
      : format === 'md'
        ? renderMarkdown(blocks)
        : htmlDocument(title, renderHtml(blocks));
  const date = n.createdAt.toISOString().slice(0, 10);
  const { ext, contentType } = EXPORTS[format];
  return { filename: `${n.kind}-note-${date}-${slug(session.title)}.${ext}`, contentType, content };
}
