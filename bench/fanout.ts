/**
 * Live fan-out benchmark: N Server-Sent Events subscribers spread over accounts, M escalations made
 * through the real HTTP API (POST /api/sessions/{id}/handoffs) of real server processes
 * (server/src/main.ts) on PostgreSQL. For every escalation it times, from the moment the request
 * starts to each subscriber's receipt of `handoff.created`, and counts events lost (an expected
 * subscriber never got it), duplicated, or leaked to another account. The same client load runs
 * against a bare node:http broadcaster (bench/bare-sse.ts) in the same run: the floor.
 *
 * Usage: npm run bench:fanout
 *   BENCH_DATABASE_URL   PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
 *                        the bench creates and drops its own databases there.
 *   BENCH_SCENARIOS      comma list of: latency, cluster, memory, hold (default: all four)
 *   BENCH_ESCALATIONS    measured escalations per latency run (default 100)
 *   BENCH_AWAY_PEOPLE    teammates per account with nothing open, e-mailed on every escalation
 *                        (default 0: every subscriber's user is on the page, so no e-mail goes out)
 *   BENCH_GAP_MS         pause between escalations (default 20)
 * Prints figures; it is not a timed test. Talks only to 127.0.0.1.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDatabase, openPostgres } from '../server/src/db/client.js';
import { authSessions, users } from '../server/src/db/schema.js';
import { hashPassword } from '../server/src/features/auth/password.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { hashToken, newToken } from '../server/src/features/auth/tokens.js';
import { EVENTS_CHANNEL, recordEvent } from '../server/src/features/live/events.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '../server');
/** Pause between two escalations (BENCH_GAP_MS): 20 ms is a burst far above any team's rate. */
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 20);
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'latency,cluster,memory,hold')
  .split(',')
  .map((s) => s.trim());
const M = Number(process.env.BENCH_ESCALATIONS ?? 100);
/**
 * Teammates per account with e-mail on and nothing open: each escalation e-mails them (those with a
 * stream open are told in the app instead, decision 030), so the outbox worker sends mail meanwhile.
 */
const AWAY = Number(process.env.BENCH_AWAY_PEOPLE ?? 0);
const STREAMS_PER_USER = 10; // under the server's cap of 20 per user

// ---------------------------------------------------------------------------------------------
// File descriptors: every subscriber is a socket here and another in the server.

function fileLimit(): { soft: number; hard: number } {
  const line = fs
    .readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))!;
  const [soft, hard] = line
    .replace('Max open files', '')
    .trim()
    .split(/\s+/)
    .map((x) => (x === 'unlimited' ? Number.POSITIVE_INFINITY : Number(x)));
  return { soft: soft!, hard: hard! };
}

/** Spawns a node process with the soft file limit raised to the hard one (via the shell's ulimit). */
function spawnNode(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return spawn('/bin/sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Processes under test

interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`process exited:\n${log()}`);
    try {
      const r = await fetch(`${url}/api/healthz`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`process did not become healthy:\n${log()}`);
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
}

/**
 * The server as `npm start` runs it (the built bundle, with its process settings), or from the
 * sources when nothing is built. BENCH_FROM_SOURCES=1 forces the sources.
 */
const builtEntry = path.join(serverDir, 'dist', 'start.js');
const serverArgs =
  fs.existsSync(builtEntry) && !process.env.BENCH_FROM_SOURCES
    ? ['--enable-source-maps', builtEntry]
    : ['--import', 'tsx', 'src/main.ts'];

async function startServer(databaseUrl: string): Promise<Proc> {
  const port = await freePort();
  const child = spawnNode(serverArgs, {
    cwd: serverDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out = (out + d).slice(-4000);
  });
  child.stderr!.on('data', (d) => {
    out = (out + d).slice(-4000);
    if (process.env.RF_TRACE) process.stdout.write(String(d));
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, () => out);
  return { url, child, stop: stopper(child) };
}

async function startBare(): Promise<Proc> {
  const child = spawnNode(['--import', 'tsx', path.join(here, 'bare-sse.ts')], {
    cwd: here,
    env: process.env,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bare broadcaster exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: stopper(child) };
}

/**
 * Run under `nice -n -10 npm run bench:fanout` on a shared machine, the bench, the servers and the
 * floor all get that priority; so do the PostgreSQL backends serving the bench's database (and only
 * those), or every statement of the escalation would queue behind the other jobs while the floor,
 * which has no database, would not. At the default priority this changes nothing.
 */
async function matchPriority(databaseUrl: string) {
  const mine = os.getPriority();
  if (mine === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database()',
    );
    for (const { pid } of rows) {
      try {
        os.setPriority(pid, mine);
      } catch (err) {
        console.log(`  note: could not renice PostgreSQL backend ${pid}: ${(err as Error).message}`);
      }
    }
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Subscribers: real SSE readers over raw HTTP, one socket each.

interface Receipt {
  sessionId: string;
  accountId: string | null;
}

class Subscriber {
  private buf = '';
  private req: http.ClientRequest | null = null;
  ready = false;
  failed: string | null = null;
  ended = false;
  constructor(
    readonly accountId: string,
    private readonly onEvent: (sub: Subscriber, r: Receipt) => void,
  ) {}

  connect(url: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve) => {
      const req = http.get(
        url,
        { headers: { accept: 'text/event-stream', ...headers }, agent: false },
        (res) => {
          if (res.statusCode !== 200) {
            this.failed = `HTTP ${res.statusCode}`;
            res.resume();
            return resolve();
          }
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (this.feed(chunk) && !this.ready) {
              this.ready = true;
              resolve();
            }
          });
          res.on('close', () => {
            this.ended = true;
            if (!this.ready) {
              this.failed ??= 'closed before ready';
              resolve();
            }
          });
        },
      );
      req.on('error', (err) => {
        this.failed ??= err.message;
        this.ended = true;
        resolve();
      });
      this.req = req;
    });
  }

  /** Parses SSE frames; returns true once a `ready` event was seen. */
  private feed(chunk: string): boolean {
    this.buf += chunk;
    let sawReady = false;
    let i = this.buf.indexOf('\n\n');
    while (i >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      i = this.buf.indexOf('\n\n');
      if (block.startsWith(':') || block.startsWith('retry:')) continue;
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (event === 'ready') sawReady = true;
      else if (event === 'handoff.created') {
        const json = JSON.parse(data) as { handoff: { sessionId: string }; accountId?: string };
        this.onEvent(this, { sessionId: json.handoff.sessionId, accountId: json.accountId ?? null });
      }
    }
    return sawReady;
  }

  close() {
    this.req?.destroy();
  }
}

/** Connects subscribers with a bounded number of connects in flight. */
async function connectAll(
  subs: Subscriber[],
  target: (s: Subscriber, i: number) => [string, Record<string, string>],
) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < subs.length; i = next++) {
      const [url, headers] = target(subs[i]!, i);
      await subs[i]!.connect(url, headers);
    }
  };
  await Promise.all(Array.from({ length: 100 }, worker));
  const failed = subs.filter((s) => s.failed);
  if (failed.length > 0)
    throw new Error(`${failed.length} subscribers failed to connect: ${failed[0]!.failed}`);
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Pending {
  accountId: string;
  t0: number;
  expected: number;
  got: number;
  latencies: number[];
  done: () => void;
}

class Meter {
  pending = new Map<string, Pending>();
  sessionAccount = new Map<string, string>();
  seen = new Map<Subscriber, Set<string>>();
  all: number[] = [];
  lastPerEscalation: number[] = [];
  /** The escalate request's own answer time (the floor answers after writing). */
  request: number[] = [];
  lost = 0;
  leaked = 0;
  duplicated = 0;

  onEvent = (sub: Subscriber, r: Receipt) => {
    const now = performance.now();
    const owner = this.sessionAccount.get(r.sessionId);
    if (owner !== sub.accountId) {
      this.leaked++;
      return;
    }
    const seen = this.seen.get(sub) ?? new Set<string>();
    this.seen.set(sub, seen);
    if (seen.has(r.sessionId)) {
      this.duplicated++;
      return;
    }
    seen.add(r.sessionId);
    const p = this.pending.get(r.sessionId);
    if (!p) return; // a warm-up escalation
    p.latencies.push(now - p.t0);
    if (++p.got === p.expected) p.done();
  };

  /** Starts the clock, runs `send`, waits for every expected receipt (or 10 s). */
  async measure(
    sessionId: string,
    accountId: string,
    expected: number,
    send: () => Promise<void>,
    record: boolean,
  ) {
    let done!: () => void;
    const all = new Promise<void>((r) => {
      done = r;
    });
    const p: Pending = { accountId, t0: 0, expected, got: 0, latencies: [], done };
    this.pending.set(sessionId, p);
    p.t0 = performance.now();
    if (process.env.RF_TRACE) console.log('TRACE t0', performance.timeOrigin + p.t0);
    await send();
    if (process.env.RF_TRACE)
      console.log('TRACE answered', performance.timeOrigin + performance.now(), 'last', () => 0);
    const answered = performance.now() - p.t0;
    const timeout = sleep(10_000);
    await Promise.race([all, timeout]);
    this.pending.delete(sessionId);
    if (!record) return;
    this.lost += expected - p.got;
    this.request.push(answered);
    this.all.push(...p.latencies);
    if (p.latencies.length > 0) this.lastPerEscalation.push(Math.max(...p.latencies));
  }
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

// ---------------------------------------------------------------------------------------------
// Data

interface Seeded {
  databaseUrl: string;
  accounts: {
    id: string;
    junior: string; // cookie
    subscriberCookies: string[]; // one per subscriber (users hold STREAMS_PER_USER each)
  }[];
  drop(): Promise<void>;
}

let dbCounter = 0;

async function seed(subscribers: number, accounts: number): Promise<Seeded> {
  const name = `rf_bench_fanout_${process.pid}_${dbCounter++}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(PG);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const db = await openPostgres(databaseUrl, { max: 4 });
  await migrateDatabase(db);
  const hash = await hashPassword('bench-password');
  const perAccount = Math.ceil(subscribers / accounts);
  const out: Seeded['accounts'] = [];
  let left = subscribers;
  for (let a = 0; a < accounts; a++) {
    const accountId = crypto.randomUUID();
    await authRepo.insertAccount(db.db, { id: accountId, name: `Fanout MSP ${a}` });
    const n = Math.min(perAccount, left);
    left -= n;
    const people = 1 + Math.ceil(n / STREAMS_PER_USER) + AWAY;
    const userRows: (typeof users.$inferInsert)[] = [];
    const sessionRows: (typeof authSessions.$inferInsert)[] = [];
    const cookies: string[] = [];
    for (let p = 0; p < people; p++) {
      const id = crypto.randomUUID();
      userRows.push({
        id,
        accountId,
        name: p === 0 ? 'Jo Junior' : `Senior ${p}`,
        email: `u${p}.${accountId}@bench.test`,
        passwordHash: hash,
        role: 'engineer',
        tier: p === 0 ? 1 : 2,
      });
      const token = newToken();
      sessionRows.push({
        id: hashToken(token),
        userId: id,
        accountId,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      cookies.push(`rf_session=${token}`);
    }
    await db.db.insert(users).values(userRows);
    await db.db.insert(authSessions).values(sessionRows);
    // The last AWAY people never open a stream.
    const subscriberCookies = Array.from(
      { length: n },
      (_, i) => cookies[1 + Math.floor(i / STREAMS_PER_USER)]!,
    );
    out.push({ id: accountId, junior: cookies[0]!, subscriberCookies });
  }
  await db.close();
  return {
    databaseUrl,
    accounts: out,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: API answers, read by field in this script only
async function post(url: string, cookie: string, body: unknown): Promise<any> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${url} answered ${r.status}: ${JSON.stringify(json)}`);
  return json;
}

/** One session per planned escalation, created through the API (creating one records no event). */
async function makeSessions(url: string, s: Seeded, count: number) {
  const plan: { accountId: string; cookie: string; sessionId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const acc = s.accounts[i % s.accounts.length]!;
    const res = await post(`${url}/api/sessions`, acc.junior, {
      title: `VPN drops every hour for the Contoso finance team (${i})`,
      problem: 'Users on the finance VLAN lose the VPN tunnel about once an hour; reconnecting works.',
      customer: 'Contoso Finance',
      asset: `FIN-LAPTOP-${i}`,
    });
    plan.push({ accountId: acc.id, cookie: acc.junior, sessionId: res.session.id });
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface RunResult {
  label: string;
  subscribers: number;
  all: number[];
  last: number[];
  request: number[];
  lost: number;
  leaked: number;
  duplicated: number;
  rssPerConnKiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  connectSeconds: number;
  sample: string;
}

async function runOurs(opts: {
  label: string;
  subscribers: number;
  accounts: number;
  escalations: number;
  processes: 1 | 2;
  /** Also commit this many events straight into the database (no business logic): the live layer alone. */
  direct?: number;
  /** Keep the streams open this long (past a heartbeat) before the escalations. */
  holdSeconds?: number;
}): Promise<
  RunResult & { seeded: Seeded; plan: { accountId: string; sessionId: string }[]; direct: RunResult | null }
> {
  const seeded = await seed(opts.subscribers, opts.accounts);
  const servers: Proc[] = [];
  try {
    for (let i = 0; i < opts.processes; i++) servers.push(await startServer(seeded.databaseUrl));
    const warm = 5;
    const plan = await makeSessions(servers[0]!.url, seeded, opts.escalations + warm);
    const meter = new Meter();
    for (const p of plan) meter.sessionAccount.set(p.sessionId, p.accountId);
    const subs: Subscriber[] = [];
    const cookieOf = new Map<Subscriber, string>();
    for (const acc of seeded.accounts) {
      for (const cookie of acc.subscriberCookies) {
        const s = new Subscriber(acc.id, meter.onEvent);
        subs.push(s);
        cookieOf.set(s, cookie);
      }
    }
    await sleep(500);
    const before = servers.map((s) => rssKiB(s.child.pid!));
    const t0 = performance.now();
    await connectAll(subs, (s, i) => [
      `${servers[i % servers.length]!.url}/api/events`,
      { cookie: cookieOf.get(s)! },
    ]);
    const connectSeconds = (performance.now() - t0) / 1000;
    await sleep(1_000);
    const after = servers.map((s) => rssKiB(s.child.pid!));
    await matchPriority(seeded.databaseUrl);
    const perAccount = new Map<string, number>();
    for (const s of subs) perAccount.set(s.accountId, (perAccount.get(s.accountId) ?? 0) + 1);
    if (opts.holdSeconds) {
      await sleep(opts.holdSeconds * 1000);
      const ended = subs.filter((s) => s.ended).length;
      console.log(
        `  held ${subs.length.toLocaleString('en')} streams for ${opts.holdSeconds} s (past the 15 s heartbeat): ${ended} ended, server RSS ${(servers.map((s) => rssKiB(s.child.pid!)).reduce((x, y) => x + y, 0) / 1024).toFixed(0)} MiB`,
      );
    }

    let sample = '';
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      await meter.measure(
        p.sessionId,
        p.accountId,
        perAccount.get(p.accountId) ?? 0,
        async () => {
          // Always through the first process: with two, half the subscribers hear it from the other.
          const res = await post(`${servers[0]!.url}/api/sessions/${p.sessionId}/handoffs`, p.cookie, {
            intent: 'escalate',
            reason: 'Rebuilt the VPN profile and checked the MTU; still drops hourly',
            urgency: 'high',
          });
          if (!sample)
            sample = JSON.stringify({ type: 'handoff.created', handoff: stripContext(res.handoff) });
        },
        i >= warm,
      );
      await sleep(GAP_MS);
    }
    const escalated = {
      all: meter.all,
      last: meter.lastPerEscalation,
      request: meter.request,
      lost: meter.lost,
      duplicated: meter.duplicated,
    };
    let direct: RunResult | null = null;
    if (opts.direct) {
      // The live layer alone: a transaction that only records the event, then the NOTIFY, as any
      // other process's commit would; from its start to each receipt.
      meter.all = [];
      meter.lastPerEscalation = [];
      meter.request = [];
      meter.lost = 0;
      meter.duplicated = 0;
      const db = await openPostgres(seeded.databaseUrl, { max: 2 });
      const accountId = plan[0]!.accountId;
      const template = JSON.parse(sample) as {
        handoff: Parameters<typeof recordEvent>[3]['handoff'] & object;
      };
      for (let i = 0; i < opts.direct + 5; i++) {
        const sessionId = `direct-${i}`;
        meter.sessionAccount.set(sessionId, accountId);
        await meter.measure(
          sessionId,
          accountId,
          perAccount.get(accountId) ?? 0,
          async () => {
            await db.db.transaction((tx) =>
              recordEvent(tx, accountId, 'handoff.created', {
                handoff: { ...template.handoff, id: `dh-${i}`, sessionId },
              }),
            );
            await db.notify(EVENTS_CHANNEL, `${accountId} bench`);
          },
          i >= 5,
        );
        await sleep(GAP_MS);
      }
      await db.close();
      direct = {
        ...emptyResult('live layer alone: event committed straight to the database → receipt'),
        subscribers: opts.subscribers,
        all: meter.all,
        last: meter.lastPerEscalation,
        request: meter.request,
        lost: meter.lost,
        leaked: meter.leaked,
        duplicated: meter.duplicated,
      };
    }
    const dropped = subs.filter((s) => s.ended).length;
    if (dropped > 0) console.log(`  note: ${dropped} subscriber streams ended during the run`);
    for (const s of subs) s.close();
    const rssBefore = before.reduce((x, y) => x + y, 0);
    const rssAfter = after.reduce((x, y) => x + y, 0);
    return {
      label: opts.label,
      subscribers: opts.subscribers,
      ...escalated,
      leaked: meter.leaked,
      rssPerConnKiB: (rssAfter - rssBefore) / opts.subscribers,
      rssBeforeMiB: rssBefore / 1024,
      rssAfterMiB: rssAfter / 1024,
      connectSeconds,
      sample,
      seeded,
      plan: plan.slice(warm),
      direct,
    };
  } finally {
    for (const s of servers) await s.stop();
  }
}

function emptyResult(label: string): RunResult {
  return {
    label,
    subscribers: 0,
    all: [],
    last: [],
    request: [],
    lost: 0,
    leaked: 0,
    duplicated: 0,
    rssPerConnKiB: Number.NaN,
    rssBeforeMiB: Number.NaN,
    rssAfterMiB: Number.NaN,
    connectSeconds: Number.NaN,
    sample: '',
  };
}

function stripContext(h: Record<string, unknown>) {
  const { context: _c, audit: _a, ...rest } = h;
  return rest;
}

/** The same subscribers (same accounts) and the same number of escalations against the floor. */
async function runBare(label: string, ours: Awaited<ReturnType<typeof runOurs>>): Promise<RunResult> {
  const bare = await startBare();
  try {
    const meter = new Meter();
    const subs: Subscriber[] = [];
    for (const acc of ours.seeded.accounts) {
      for (const _ of acc.subscriberCookies) subs.push(new Subscriber(acc.id, meter.onEvent));
    }
    await sleep(300);
    const before = rssKiB(bare.child.pid!);
    const t0 = performance.now();
    await connectAll(subs, (s) => [`${bare.url}/events?account=${s.accountId}`, {}]);
    const connectSeconds = (performance.now() - t0) / 1000;
    await sleep(1_000);
    const after = rssKiB(bare.child.pid!);
    const perAccount = new Map<string, number>();
    for (const s of subs) perAccount.set(s.accountId, (perAccount.get(s.accountId) ?? 0) + 1);
    const warm = 5;
    const plan = [
      ...Array.from({ length: warm }, (_, i) => ({
        accountId: ours.plan[0]!.accountId,
        sessionId: `warm-${i}`,
      })),
      ...ours.plan,
    ];
    for (const p of plan) meter.sessionAccount.set(p.sessionId, p.accountId);
    const template = JSON.parse(ours.sample) as { handoff: Record<string, unknown> };
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      // An event of the same size and shape as the real one.
      const data = JSON.stringify({ ...template, handoff: { ...template.handoff, sessionId: p.sessionId } });
      await meter.measure(
        p.sessionId,
        p.accountId,
        perAccount.get(p.accountId) ?? 0,
        async () => {
          const r = await fetch(`${bare.url}/escalate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ accountId: p.accountId, data }),
          });
          await r.text();
        },
        i >= warm,
      );
      await sleep(GAP_MS);
    }
    for (const s of subs) s.close();
    return {
      label,
      subscribers: subs.length,
      all: meter.all,
      last: meter.lastPerEscalation,
      request: meter.request,
      lost: meter.lost,
      leaked: meter.leaked,
      duplicated: meter.duplicated,
      rssPerConnKiB: (after - before) / subs.length,
      rssBeforeMiB: before / 1024,
      rssAfterMiB: after / 1024,
      connectSeconds,
      sample: '',
    };
  } finally {
    await bare.stop();
  }
}

function report(r: RunResult) {
  console.log(`  ${r.label}`);
  console.log(
    `    each receipt      p50 ${ms(pct(r.all, 50))}  p99 ${ms(pct(r.all, 99))}  max ${ms(Math.max(...r.all))}  (${r.all.length.toLocaleString('en')} receipts)`,
  );
  console.log(
    `    last subscriber   p50 ${ms(pct(r.last, 50))}  p99 ${ms(pct(r.last, 99))}  max ${ms(Math.max(...r.last))}  (${r.last.length} escalations)`,
  );
  console.log(
    `    the escalate request's answer p50 ${ms(pct(r.request, 50))}  p99 ${ms(pct(r.request, 99))}`,
  );
  console.log(`    lost ${r.lost}  leaked to another account ${r.leaked}  duplicated ${r.duplicated}`);
  if (Number.isFinite(r.rssPerConnKiB)) {
    console.log(
      `    server RSS ${r.rssBeforeMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB: ${r.rssPerConnKiB.toFixed(1)} KiB per connection (connect ${r.connectSeconds.toFixed(1)} s)`,
    );
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function main() {
  const lim = fileLimit();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const pgVersion = execFileSync('psql', [PG, '-Atc', 'show server_version']).toString().trim();
  console.log(
    `Live fan-out benchmark (server processes: node ${serverArgs.join(' ')}, on PostgreSQL; clients in this process)`,
  );
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${pgVersion}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `open-file limit: this process ${lim.soft}/${lim.hard} (soft/hard); server processes are started with the soft limit raised to the hard one`,
  );

  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ');
  console.log(`load average (1/5/15 min) at the start: ${load()} — other jobs share these 2 cores`);
  console.log(
    AWAY > 0
      ? `per account: the subscribers' users (10 streams each, all on the page: no e-mail) and ${AWAY} teammates with nothing open (e-mailed on every escalation)`
      : "per account: the subscribers' users only (10 streams each), all on the page: escalations e-mail nobody (decision 030); BENCH_AWAY_PEOPLE=N adds N teammates who get the e-mail",
  );
  let single: RunResult | null = null;
  if (SCENARIOS.includes('latency')) {
    console.log(
      `\n1,000 subscribers in one account, ${M} escalations (after 5 warm-up ones), one server process`,
    );
    const ours = await runOurs({
      label: 'ResolutionFlow (escalate request start → receipt)',
      subscribers: 1000,
      accounts: 1,
      escalations: M,
      processes: 1,
      direct: M,
    });
    try {
      report(ours);
      if (ours.direct) report(ours.direct);
      const bare = await runBare('bare node:http broadcaster (floor), same clients, same run', ours);
      report(bare);
      console.log(
        `    ratio to the floor: last-subscriber p99 ${ratio(pct(ours.last, 99), pct(bare.last, 99))}, each-receipt p99 ${ratio(pct(ours.all, 99), pct(bare.all, 99))}`,
      );
      if (ours.direct) {
        console.log(
          `    live layer alone vs the floor: last-subscriber p99 ${ratio(pct(ours.direct.last, 99), pct(bare.last, 99))}, each-receipt p50 ${ratio(pct(ours.direct.all, 50), pct(bare.all, 50))}`,
        );
      }
      single = ours;
    } finally {
      await ours.seeded.drop();
    }
  }

  if (SCENARIOS.includes('cluster')) {
    console.log(
      `\n1,000 subscribers in one account split over two server processes on one PostgreSQL; ${M} escalations through the first`,
    );
    const two = await runOurs({
      label: 'ResolutionFlow, 2 processes (escalate request start → receipt)',
      subscribers: 1000,
      accounts: 1,
      escalations: M,
      processes: 2,
    });
    try {
      report(two);
      if (single) {
        console.log(
          `    ratio to one process: last-subscriber p99 ${ratio(pct(two.last, 99), pct(single.last, 99))}, each-receipt p50 ${ratio(pct(two.all, 50), pct(single.all, 50))}`,
        );
      }
    } finally {
      await two.seeded.drop();
    }
  }

  if (SCENARIOS.includes('memory')) {
    console.log('\n5,000 subscribers over 250 accounts (20 each), one server process, 50 escalations');
    const r = await runOurs({
      label: 'ResolutionFlow',
      subscribers: 5000,
      accounts: 250,
      escalations: 50,
      processes: 1,
    });
    try {
      report(r);
      const bare = await runBare('bare node:http broadcaster (floor)', r);
      report(bare);
    } finally {
      await r.seeded.drop();
    }
  }

  if (SCENARIOS.includes('hold')) {
    console.log('\n10,000 subscribers over 500 accounts (20 each), one server process, 50 escalations');
    const r = await runOurs({
      label: 'ResolutionFlow',
      subscribers: 10_000,
      accounts: 500,
      escalations: 50,
      processes: 1,
      holdSeconds: 20,
    });
    try {
      report(r);
    } finally {
      await r.seeded.drop();
    }
  }
  console.log(`\nload average (1/5/15 min) at the end: ${load()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
