import type { AddressInfo } from 'node:net';
import type { TRole } from '@rf/contracts';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { Deps } from '../deps.js';
import { createAssistant } from '../features/assistant/assistant.js';
import { hashPassword } from '../features/auth/password.js';
import * as authRepo from '../features/auth/repo.js';
import { newId } from '../features/auth/tokens.js';
import { LiveHub, type LiveOptions } from '../features/live/hub.js';
import { type OutboxWorker, type OutboxWorkerOptions, startOutboxWorker } from '../jobs/outbox-worker.js';
import { createTestDatabase } from './db.js';

export interface Harness {
  app: FastifyInstance;
  url: string;
  deps: Deps;
  db: Database;
  /** This server's live hub (its streams and presence). */
  live: LiveHub;
  /** The outbox worker, when the test asked for one (`worker` option). */
  worker: OutboxWorker | null;
  /** Moves the server's clock (tests of time-based rules); null returns to real time. */
  setNow(d: Date | null): void;
  client(): Client;
  close(): Promise<void>;
}

export interface StartOptions {
  db?: Database;
  /** Rate-limit policy overrides; by default only sign-up and the assistant are relaxed. */
  rateLimits?: Deps['rateLimits'];
  env?: Record<string, string>;
  llm?: Parameters<typeof createAssistant>[0]['llm'];
  /** Receives the assistant's log lines (default: dropped). */
  assistantLogger?: Parameters<typeof createAssistant>[0]['logger'];
  /** A logger whose lines the test reads (logging.ts createLogger with a stream); none by default. */
  logger?: FastifyBaseLogger;
  /** Run the outbox worker in this process (with these options), as main.ts does. */
  worker?: boolean | OutboxWorkerOptions;
  live?: Partial<LiveOptions>;
}

/**
 * Every test talks from 127.0.0.1: the production sign-in limits apply, but sign-ups and assistant
 * messages (which many test files make in bulk) are relaxed unless a test sets them.
 */
const TEST_RATE_LIMITS: NonNullable<Deps['rateLimits']> = {
  signup: { free: 10_000, leakMs: 1000, baseDelayMs: 1000, maxDelayMs: 1000 },
  assistant: { free: 10_000, leakMs: 1000, baseDelayMs: 1000, maxDelayMs: 1000 },
};

/** A real server on 127.0.0.1 with a fresh database: tests talk to it over real HTTP. */
export async function startApp(opts: StartOptions = {}): Promise<Harness> {
  const db = opts.db ?? (await createTestDatabase());
  let now: Date | null = null;
  const clock = () => (now ? new Date(now) : new Date());
  const live = new LiveHub(db, clock, opts.live);
  const deps: Deps = {
    db,
    config: loadConfig({ DATA_DIR: '/tmp/rf-test-unused', LOG_LEVEL: 'silent', ...opts.env }),
    clock,
    rateLimits: { ...TEST_RATE_LIMITS, ...opts.rateLimits },
    assistant: createAssistant({
      llm: opts.llm ?? null,
      logger: opts.assistantLogger ?? { warn: () => {} },
    }),
    afterCommit: (what) => live.publish(what),
  };
  const app = await buildApp({ deps, logger: opts.logger ?? false, webDist: null, live });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const worker = opts.worker ? await startOutboxWorker(deps, opts.worker === true ? {} : opts.worker) : null;
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    deps,
    db,
    live,
    worker,
    setNow: (d) => {
      now = d;
    },
    client: () => new Client(url),
    close: async () => {
      await app.close();
      await worker?.stop();
      await deps.assistant.close();
      if (!opts.db) await db.close();
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like HTTP client: keeps the session cookie, sends JSON. */
export class Client {
  cookie: string | null = null;
  /** Only for tests of a deliberately broken backend (e.g. healthz with the database down). */
  allow5xx = false;
  constructor(readonly base: string) {}

  async req<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair] = c.split(';');
      if (pair?.startsWith('rf_session=')) this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await res.text();
    // Nothing a client can send may answer 5xx: every test through this client enforces it.
    if (res.status >= 500 && !this.allow5xx) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text for the assertion message */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get = <T = any>(p: string) => this.req<T>('GET', p);
  post = <T = any>(p: string, b?: unknown) => this.req<T>('POST', p, b);
  put = <T = any>(p: string, b?: unknown) => this.req<T>('PUT', p, b);
  patch = <T = any>(p: string, b?: unknown) => this.req<T>('PATCH', p, b);
  del = <T = any>(p: string) => this.req<T>('DELETE', p);
}

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | null = null;

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: TRole;
  tier: number;
  client: Client;
}
export interface Team {
  accountId: string;
  owner: TeamMember;
  admin: TeamMember;
  senior: TeamMember;
  senior2: TeamMember;
  junior: TeamMember;
  viewer: TeamMember;
}

let seq = 0;

/** A factory: a new account with one user of each role, each signed in over HTTP. */
export async function makeTeam(h: Harness, name = 'Acme MSP'): Promise<Team> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const accountId = newId();
  await authRepo.insertAccount(h.db.db, { id: accountId, name: `${name} ${++seq}` });
  const tag = `${Date.now().toString(36)}${seq}`;
  const spec = [
    ['owner', 'Olga Owner', 'owner', 3],
    ['admin', 'Ada Admin', 'admin', 3],
    ['senior', 'Sam Senior', 'engineer', 2],
    ['senior2', 'Sasha Senior', 'engineer', 3],
    ['junior', 'Jo Junior', 'engineer', 1],
    ['viewer', 'Val Viewer', 'viewer', 1],
  ] as const;
  const team = { accountId } as Team;
  for (const [key, personName, role, tier] of spec) {
    const email = `${key}.${tag}@example.test`;
    const row = await authRepo.insertUser(h.db.db, {
      id: newId(),
      accountId,
      name: personName,
      email,
      passwordHash: hash,
      role,
      tier,
    });
    const client = h.client();
    const res = await client.post('/api/auth/login', { email, password: PASSWORD });
    if (res.status !== 200)
      throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    team[key] = { id: row.id, name: personName, email, role, tier, client };
  }
  return team;
}

/**
 * A new session of `who`, escalated at once through HTTP (both must answer 201): the open handoff
 * many tests start from.
 */
export async function escalateNewSession(
  who: TeamMember,
  o: { title: string; problem: string; reason: string; urgency: 'low' | 'normal' | 'high' | 'critical' },
): Promise<{ sessionId: string; handoffId: string }> {
  const s = await who.client.post('/api/sessions', { title: o.title, problem: o.problem });
  if (s.status !== 201)
    throw new Error(`creating the session answered ${s.status}: ${JSON.stringify(s.body)}`);
  const e = await who.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: o.reason,
    urgency: o.urgency,
  });
  if (e.status !== 201) throw new Error(`escalating answered ${e.status}: ${JSON.stringify(e.body)}`);
  return { sessionId: s.body.session.id as string, handoffId: e.body.handoff.id as string };
}
