import type {
  TPsaConnection,
  TPsaConnectionBody,
  TPsaMemberMapping,
  TPsaMembersResponse,
  TPsaPost,
  TPsaPostsResponse,
  TPsaStatusesResponse,
  TPsaTestBody,
  TPsaTestResult,
  TPsaTicketResponse,
} from '@rf/contracts';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import { assertNoDenial, writerDenial } from '../sessions/policy.js';
import * as sessionsRepo from '../sessions/repo.js';
import { ConnectWiseProvider } from './connectwise.js';
import type { PsaPostPayload } from './outbox.js';
import { PsaError, type PsaMember, type PsaProvider } from './provider.js';
import * as repo from './repo.js';
import { decryptSecret, encryptSecret, SecretUnreadable, secretsKey } from './secrets.js';
import { normaliseSite } from './site.js';

interface Keys {
  publicKey: string;
  privateKey: string;
}

/** The GCM additional data: a stored key only decrypts in its own account's row. */
const keyContext = (accountId: string) => `psa-keys:${accountId}`;

function providerOf(
  config: Config,
  c: { siteUrl: string; companyId: string } & Keys,
  timeoutMs?: number,
): PsaProvider {
  // The one place that knows the providers: Autotask and HaloPSA are added here (decision 025).
  return new ConnectWiseProvider(c, {
    clientId: config.cwClientId,
    allowPrivate: config.allowPrivateWebhooks,
    timeoutMs,
  });
}

/**
 * The saved keys of a connection row. They are stored with the site and company they were saved
 * for, and refused for any other (a row whose site was changed behind the server's back, e.g. in
 * the database, does not send the keys there). Rows saved before the site was stored with the keys
 * carry only the keys.
 */
function savedKeys(config: Config, row: repo.PsaConnectionRow): Keys {
  const k = JSON.parse(decryptSecret(secretsKey(config), row.keysEnc, keyContext(row.accountId))) as Keys & {
    siteUrl?: string;
    companyId?: string;
  };
  if (
    (k.siteUrl !== undefined && k.siteUrl !== row.siteUrl) ||
    (k.companyId !== undefined && k.companyId !== row.companyId)
  )
    throw new SecretUnreadable(
      'The saved ConnectWise keys belong to another site or company. An admin enters the keys again in Settings → Integrations.',
    );
  return { publicKey: k.publicKey, privateKey: k.privateKey };
}

/** The account's provider with its decrypted keys, or null without a connection. */
export async function providerFor(
  deps: Pick<Deps, 'config'> & { db: DbOrTx },
  accountId: string,
  timeoutMs?: number,
): Promise<PsaProvider | null> {
  const c = await repo.findConnection(deps.db, accountId);
  if (!c) return null;
  const keys = savedKeys(deps.config, c);
  return providerOf(deps.config, { siteUrl: c.siteUrl, companyId: c.companyId, ...keys }, timeoutMs);
}

async function requireProvider(deps: Deps, accountId: string): Promise<PsaProvider> {
  let p: PsaProvider | null;
  try {
    p = await providerFor({ config: deps.config, db: deps.db.db }, accountId);
  } catch (err) {
    if (err instanceof SecretUnreadable) throw new AppError('psa_unavailable', 502, err.message);
    throw err;
  }
  if (!p)
    throw new AppError(
      'psa_not_connected',
      409,
      'ConnectWise PSA is not connected. An admin connects it in Settings → Integrations.',
    );
  return p;
}

/** A PSA that failed: 502 with its plain-words message (never a 500, never the keys). */
const psaFailure = (err: unknown): never => {
  // A connection this server cannot use (no CW_CLIENT_ID, a site the address policy refuses) is
  // not connected, for this request: 409 with the reason. A PSA that failed is a 502.
  if (err instanceof PsaError && (err.problem === 'not_configured' || err.problem === 'refused_address'))
    throw new AppError('psa_not_connected', 409, err.message);
  if (err instanceof PsaError) throw new AppError('psa_unavailable', 502, err.message);
  throw err;
};

// ---- connection -----------------------------------------------------------------------------------

export async function getConnection(deps: Deps, actor: AuthUser): Promise<TPsaConnection> {
  const c = await repo.findConnection(deps.db.db, actor.accountId);
  return {
    connected: !!c,
    siteUrl: c?.siteUrl ?? null,
    companyId: c?.companyId ?? null,
    hasKeys: !!c,
    publicKeyLast4: c?.publicKeyLast4 ?? null,
    clientIdConfigured: !!deps.config.cwClientId,
    updatedAt: c?.updatedAt.toISOString() ?? null,
  };
}

type KeyChoice = { keys: Keys } | { missing: 'publicKey' | 'privateKey' };

/**
 * The keys to use with `target`: the ones in the body, or else the saved ones, but only when the
 * target is the site and company they were saved for. The saved keys are never sent anywhere else
 * (finding: an admin could send them to a host of their choice by changing only the site): a
 * different site or company needs both keys again, a 400 naming the missing one.
 */
async function resolveKeys(
  deps: Deps,
  accountId: string,
  target: { siteUrl: string; companyId: string },
  body: { publicKey?: string; privateKey?: string },
): Promise<KeyChoice> {
  if (body.publicKey && body.privateKey)
    return { keys: { publicKey: body.publicKey, privateKey: body.privateKey } };
  const saved = await repo.findConnection(deps.db.db, accountId);
  if (saved && (saved.siteUrl !== target.siteUrl || saved.companyId !== target.companyId)) {
    const field = body.publicKey ? 'privateKey' : 'publicKey';
    const changed = saved.siteUrl !== target.siteUrl ? 'site' : 'company id';
    // A whole sentence: the web shows it as it is, under the key's field.
    throw new AppError(
      'invalid_input',
      400,
      `Enter both keys again: the saved keys are only used with the site and company they were saved for, and this is another ${changed}.`,
      { field },
    );
  }
  let keys: Keys | null = null;
  if (saved) {
    try {
      keys = savedKeys(deps.config, saved);
    } catch (err) {
      if (!(err instanceof SecretUnreadable)) throw err;
    }
  }
  const publicKey = body.publicKey ?? keys?.publicKey;
  const privateKey = body.privateKey ?? keys?.privateKey;
  if (!publicKey) return { missing: 'publicKey' };
  if (!privateKey) return { missing: 'privateKey' };
  return { keys: { publicKey, privateKey } };
}

export async function saveConnection(deps: Deps, actor: AuthUser, body: TPsaConnectionBody) {
  const siteUrl = normaliseSite(body.siteUrl, deps.config.allowPrivateWebhooks);
  const companyId = body.companyId.trim();
  const choice = await resolveKeys(deps, actor.accountId, { siteUrl, companyId }, body);
  if ('missing' in choice)
    throw new AppError(
      'invalid_input',
      400,
      `The ${choice.missing === 'publicKey' ? 'public' : 'private'} key is required.`,
      { field: choice.missing },
    );
  const { keys } = choice;
  const now = deps.clock();
  await repo.upsertConnection(deps.db.db, {
    accountId: actor.accountId,
    provider: 'connectwise',
    siteUrl,
    companyId,
    // The site and company are sealed with the keys: they are only ever used there (savedKeys).
    keysEnc: encryptSecret(
      secretsKey(deps.config),
      JSON.stringify({ ...keys, siteUrl, companyId }),
      keyContext(actor.accountId),
    ),
    publicKeyLast4: keys.publicKey.slice(-4),
    updatedBy: actor.id,
    createdAt: now,
    updatedAt: now,
  });
  return getConnection(deps, actor);
}

export async function deleteConnection(deps: Deps, actor: AuthUser) {
  await repo.deleteConnection(deps.db.db, actor.accountId);
  return getConnection(deps, actor);
}

const PROBLEM_TEXT: Record<string, string> = {
  not_found: 'ConnectWise answered 404.',
};

export async function testConnection(
  deps: Deps,
  actor: AuthUser,
  body: TPsaTestBody,
): Promise<TPsaTestResult> {
  const started = performance.now();
  const done = (r: Omit<TPsaTestResult, 'durationMs'>): TPsaTestResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  const saved = await repo.findConnection(deps.db.db, actor.accountId);
  const siteRaw = body.siteUrl ?? saved?.siteUrl;
  const companyId = (body.companyId ?? saved?.companyId)?.trim();
  if (!siteRaw || !companyId)
    return done({
      ok: false,
      problem: 'not_configured',
      message: 'Enter the site, the company id and both API keys first.',
      version: null,
    });
  const siteUrl = normaliseSite(siteRaw, deps.config.allowPrivateWebhooks);
  const choice = await resolveKeys(deps, actor.accountId, { siteUrl, companyId }, body);
  if ('missing' in choice)
    return done({
      ok: false,
      problem: 'not_configured',
      message: 'Enter both API keys first.',
      version: null,
    });
  if (!deps.config.cwClientId)
    return done({
      ok: false,
      problem: 'not_configured',
      message:
        'The server has no ConnectWise clientId: set CW_CLIENT_ID (from developer.connectwise.com) and restart.',
      version: null,
    });
  const p = providerOf(deps.config, { siteUrl, companyId, ...choice.keys });
  try {
    const { version } = await p.testConnection();
    return done({
      ok: true,
      problem: null,
      message: `Connected to ConnectWise at ${new URL(siteUrl).host} as company ${companyId}${version ? ` (version ${version})` : ''}.`,
      version,
    });
  } catch (err) {
    if (!(err instanceof PsaError)) throw err;
    const problem = err.problem === 'not_found' || err.problem === 'rejected' ? 'server_error' : err.problem;
    return done({ ok: false, problem, message: PROBLEM_TEXT[err.problem] ?? err.message, version: null });
  }
}

// ---- members --------------------------------------------------------------------------------------

export async function listMemberMappings(deps: Deps, actor: AuthUser): Promise<TPsaMembersResponse> {
  const provider = await requireProvider(deps, actor.accountId);
  const [people, overrides] = await Promise.all([
    repo.listUsers(deps.db.db, actor.accountId),
    repo.listOverrides(deps.db.db, actor.accountId),
  ]);
  let members: PsaMember[] = [];
  let problem: string | null = null;
  try {
    members = await provider.listMembers();
  } catch (err) {
    if (!(err instanceof PsaError)) throw err;
    problem = err.message;
  }
  const byEmail = new Map(members.filter((m) => m.email).map((m) => [m.email!, m]));
  const mappings: TPsaMemberMapping[] = people.map((u) => {
    const o = overrides.find((x) => x.userId === u.id);
    if (o) {
      const live = members.find((m) => m.id === o.memberId);
      return {
        user: u,
        member: live ?? { id: o.memberId, identifier: o.memberIdentifier, name: o.memberName, email: null },
        source: 'manual',
      };
    }
    const m = byEmail.get(u.email.toLowerCase());
    return { user: u, member: m ?? null, source: m ? 'email' : null };
  });
  return { mappings, members, problem };
}

export async function setMemberOverride(
  deps: Deps,
  actor: AuthUser,
  body: { userId: string; memberId: number | null },
): Promise<TPsaMembersResponse> {
  const user = await repo.findUser(deps.db.db, actor.accountId, body.userId);
  if (!user) throw new AppError('not_found', 404, 'userId: no such user in your team', { field: 'userId' });
  if (body.memberId === null) {
    await repo.deleteOverride(deps.db.db, actor.accountId, body.userId);
    return listMemberMappings(deps, actor);
  }
  const provider = await requireProvider(deps, actor.accountId);
  const members = await provider.listMembers().catch(psaFailure);
  const m = members.find((x) => x.id === body.memberId);
  if (!m)
    throw new AppError('invalid_input', 400, 'memberId: ConnectWise has no active member with this id', {
      field: 'memberId',
    });
  await repo.setOverride(deps.db.db, {
    accountId: actor.accountId,
    userId: body.userId,
    memberId: m.id,
    memberIdentifier: m.identifier,
    memberName: m.name,
    setBy: actor.id,
    setAt: deps.clock(),
  });
  return listMemberMappings(deps, actor);
}

/** The PSA member a user's notes and time are attributed to: the override, else by e-mail. */
export async function memberFor(db: DbOrTx, provider: PsaProvider, accountId: string, userId: string) {
  const o = await repo.findOverride(db, accountId, userId);
  if (o) return o.memberId;
  const u = await repo.findUser(db, accountId, userId);
  if (!u) return null;
  return (await provider.findMemberByEmail(u.email))?.id ?? null;
}

// ---- a session's ticket ------------------------------------------------------------------------------

function presentLink(row: Awaited<ReturnType<typeof repo.findLink>>) {
  if (!row) return null;
  const l = row.link;
  return {
    provider: 'connectwise' as const,
    ticketId: l.ticketId,
    summary: l.summary,
    company: l.company,
    status: l.status,
    board: l.boardName,
    linkedBy: { id: l.linkedBy, name: row.linkedByName ?? 'Former member' },
    linkedAt: l.linkedAt.toISOString(),
  };
}

export async function getTicketLink(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
): Promise<TPsaTicketResponse> {
  const s = await repo.sessionExists(deps.db.db, actor.accountId, sessionId);
  if (!s) throw notFound('Session');
  const [conn, link] = await Promise.all([
    repo.findConnection(deps.db.db, actor.accountId),
    repo.findLink(deps.db.db, actor.accountId, sessionId),
  ]);
  return { connected: !!conn, link: presentLink(link), canEdit: writerDenial(actor, s) === null };
}

export async function linkTicket(deps: Deps, actor: AuthUser, sessionId: string, ticketId: number) {
  const s = await repo.sessionExists(deps.db.db, actor.accountId, sessionId);
  if (!s) throw notFound('Session');
  assertNoDenial(writerDenial(actor, s));
  const provider = await requireProvider(deps, actor.accountId);
  const ticket = await provider.findTicket(ticketId).catch(psaFailure);
  if (!ticket)
    throw new AppError('not_found', 404, `ticketId: ConnectWise has no ticket #${ticketId}`, {
      field: 'ticketId',
    });
  await inTransaction(deps, async ({ tx }) => {
    const locked = await sessionsRepo.lockSession(tx, actor.accountId, sessionId);
    if (!locked) throw notFound('Session');
    assertNoDenial(writerDenial(actor, locked));
    await repo.upsertLink(tx, {
      sessionId,
      accountId: actor.accountId,
      provider: 'connectwise',
      ticketId,
      summary: ticket.summary,
      company: ticket.company,
      status: ticket.status,
      boardId: ticket.board?.id ?? null,
      boardName: ticket.board?.name ?? null,
      linkedBy: actor.id,
      linkedAt: deps.clock(),
    });
  });
  return getTicketLink(deps, actor, sessionId);
}

export async function unlinkTicket(deps: Deps, actor: AuthUser, sessionId: string) {
  await inTransaction(deps, async ({ tx }) => {
    const locked = await sessionsRepo.lockSession(tx, actor.accountId, sessionId);
    if (!locked) throw notFound('Session');
    assertNoDenial(writerDenial(actor, locked));
    await repo.deleteLink(tx, actor.accountId, sessionId);
  });
  return getTicketLink(deps, actor, sessionId);
}

export async function listTicketStatuses(
  deps: Deps,
  actor: AuthUser,
  sessionId: string,
): Promise<TPsaStatusesResponse> {
  const link = await repo.findLink(deps.db.db, actor.accountId, sessionId);
  if (!(await repo.sessionExists(deps.db.db, actor.accountId, sessionId))) throw notFound('Session');
  if (!link) return { statuses: [] };
  const provider = await requireProvider(deps, actor.accountId);
  const l = link.link;
  const statuses = await provider
    .listStatuses({
      id: l.ticketId,
      summary: l.summary,
      company: l.company,
      status: l.status,
      board: l.boardId ? { id: l.boardId, name: l.boardName ?? '' } : null,
    })
    .catch(psaFailure);
  return { statuses };
}

// ---- posts ------------------------------------------------------------------------------------------

function label(kind: string, p: PsaPostPayload) {
  if (kind === 'psa_note') return `Internal note (${p.noteKind}) on ticket #${p.ticketId}`;
  if (kind === 'psa_status') return `Status → ${p.statusName ?? `#${p.statusId}`}`;
  const h = Math.round(((p.minutes ?? 0) / 60) * 100) / 100;
  return `Time entry ${h} h (${p.minutes} min)`;
}

export function presentPost(row: Awaited<ReturnType<typeof repo.listPosts>>[number]): TPsaPost {
  const p = row.payload as PsaPostPayload;
  const kind = row.intent === 'psa_status' ? 'status' : row.intent === 'psa_time' ? 'time_entry' : 'note';
  // Held until the operation before it is done (decision 025: note, time entry, status).
  const waiting = row.status === 'pending' && row.nextAttemptAt === null && !!p.after;
  return {
    id: row.id,
    kind,
    noteKind: p.noteKind,
    ticketId: p.ticketId,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    label: waiting
      ? `${label(row.intent, p)} (waits for the ${p.after === 'time' ? 'time entry' : 'note'})`
      : label(row.intent, p),
  };
}

export async function listPosts(deps: Deps, actor: AuthUser, sessionId: string): Promise<TPsaPostsResponse> {
  const s = await repo.sessionExists(deps.db.db, actor.accountId, sessionId);
  if (!s) throw notFound('Session');
  const rows = await repo.listPosts(deps.db.db, actor.accountId, sessionId);
  return { posts: rows.map(presentPost), canRetry: writerDenial(actor, s) === null };
}

export async function retryPost(deps: Deps, actor: AuthUser, sessionId: string, postId: string) {
  await inTransaction(deps, async (work) => {
    const s = await sessionsRepo.lockSession(work.tx, actor.accountId, sessionId);
    if (!s) throw notFound('Session');
    assertNoDenial(writerDenial(actor, s));
    if (!(await repo.requeueFailed(work.tx, actor.accountId, sessionId, postId, deps.clock()))) {
      const exists = (await repo.listPosts(work.tx, actor.accountId, sessionId)).some((p) => p.id === postId);
      if (!exists)
        throw new AppError('not_found', 404, 'postId: no such post on this session', { field: 'postId' });
      throw new AppError('not_open', 409, 'Only a failed post can be sent again');
    }
    work.wakeAfterCommit();
  });
  return listPosts(deps, actor, sessionId);
}
