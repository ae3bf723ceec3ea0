/**
 * Notification benchmark.
 *   1. POST /api/sessions/{id}/handoffs latency, p50/p99, with the SMTP server up, down
 *      (connection refused), hanging (accepts the connection, never answers) and rejecting every
 *      recipient (550), side by side:
 *      the outbox worker runs in the same process, as in production.
 *   2. The worker's throughput: mails per second from a backlog of pending outbox rows to a local
 *      SMTP sink (smtp-server), at the default concurrency.
 * Usage: npm run bench:notify            (embedded PGlite)
 *        BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:notify
 * Prints figures; it is not a timed test. Only talks to 127.0.0.1.
 */
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

type IntervalHistogram = ReturnType<typeof monitorEventLoopDelay>;

import { SMTPServer } from 'smtp-server';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import type { Deps } from '../server/src/deps.js';
import { createAssistant } from '../server/src/features/assistant/assistant.js';
import { hashPassword } from '../server/src/features/auth/password.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { EVENTS_CHANNEL } from '../server/src/features/live/events.js';
import { type OutboxWorker, startOutboxWorker } from '../server/src/jobs/outbox-worker.js';
import { Client } from '../server/src/test/harness.js';
import { openBenchDb } from './bench-db.js';

const ESCALATIONS = Number(process.env.BENCH_ESCALATIONS ?? 200);
const BACKLOG_ESCALATIONS = Number(process.env.BENCH_BACKLOG_ESCALATIONS ?? 40);
const BACKLOG_PEOPLE = Number(process.env.BENCH_BACKLOG_PEOPLE ?? 50);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (x: number) => `${x.toFixed(1)} ms`;

async function listen(server: net.Server | SMTPServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const raw = server instanceof SMTPServer ? (server as unknown as { server: net.Server }).server : server;
  return (raw.address() as net.AddressInfo).port;
}

/**
 * A local SMTP sink that only counts (the bench measures the sender, not a parser); `reject`
 * refuses every recipient with a 550.
 */
async function startSink(reject = false) {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(reject ? Object.assign(new Error('No such user here'), { responseCode: 550 }) : undefined);
    },
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  const port = await listen(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Accepts TCP connections and never says a word. */
async function startHangingServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  const port = await listen(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function refusedUrl() {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return `smtp://127.0.0.1:${port}`;
}

async function startStack(smtpUrl: string, withWorker: boolean) {
  const { db, label, drop } = await openBenchDb('rf_bench_notify');
  const deps: Deps = {
    db,
    config: loadConfig({ LOG_LEVEL: 'silent', SMTP_URL: smtpUrl, PUBLIC_URL: 'https://rf.bench.test' }),
    clock: () => new Date(),
    assistant: createAssistant({ llm: null }),
    // As main.ts: the worker wakes on the events channel's NOTIFY.
    afterCommit: () => {
      db.notify(EVENTS_CHANNEL, '').catch(() => {});
    },
  };
  const app = await buildApp({ deps, logger: false, webDist: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  let worker: OutboxWorker | null = withWorker ? await startOutboxWorker(deps, { onError: () => {} }) : null;
  return {
    deps,
    url,
    label,
    startWorker: async () => {
      worker = await startOutboxWorker(deps, { onError: () => {} });
    },
    close: async () => {
      await app.close();
      await worker?.stop();
      await drop();
    },
  };
}

async function makeTeam(deps: Deps, url: string, extraEngineers = 0) {
  const accountId = crypto.randomUUID();
  await authRepo.insertAccount(deps.db.db, { id: accountId, name: 'Bench MSP' });
  const hash = await hashPassword('bench-password');
  const people: [string, 'owner' | 'admin' | 'engineer', number][] = [
    ['owner', 'owner', 3],
    ['admin', 'admin', 3],
    ['senior', 'engineer', 2],
    ['senior2', 'engineer', 3],
    ['junior', 'engineer', 1],
    ...Array.from(
      { length: extraEngineers },
      (_, i) => [`eng${i}`, 'engineer', 2] as [string, 'engineer', number],
    ),
  ];
  for (const [key, role, tier] of people) {
    await authRepo.insertUser(deps.db.db, {
      id: crypto.randomUUID(),
      accountId,
      name: key,
      email: `${key}@bench.test`,
      passwordHash: hash,
      role,
      tier,
    });
  }
  const junior = new Client(url);
  const r = await junior.post('/api/auth/login', { email: 'junior@bench.test', password: 'bench-password' });
  if (r.status !== 200) throw new Error(`login: ${r.status}`);
  return { junior, recipients: people.length - 1 };
}

async function newSession(c: Client, i: number) {
  const s = await c.post('/api/sessions', {
    title: `Outlook prompts for a password ${i}`,
    problem: 'Outlook asks for credentials every few minutes since the password change.',
    customer: 'Contoso Dental',
    asset: `PC-${i}`,
  });
  if (s.status !== 201) throw new Error(`session: ${s.status}`);
  return s.body.session.id as string;
}

async function escalate(c: Client, sessionId: string) {
  const t0 = performance.now();
  const r = await c.post(`/api/sessions/${sessionId}/handoffs`, {
    intent: 'escalate',
    reason: 'Credential manager is clean; out of ideas',
    urgency: 'high',
  });
  const ms = performance.now() - t0;
  if (r.status !== 201) throw new Error(`escalate: ${r.status} ${JSON.stringify(r.body)}`);
  return ms;
}

/**
 * The SMTP states run side by side: one server per state (each with its own database and its own
 * worker) in this process, and the requests take turns between them, so a busy moment of the
 * machine falls on all of them alike.
 */
async function escalateLatency(modes: { mode: string; smtpUrl: string }[], loop: IntervalHistogram) {
  const stacks = [];
  for (const m of modes) stacks.push({ ...m, stack: await startStack(m.smtpUrl, true) });
  try {
    const runs = [];
    for (const s of stacks) {
      const { junior } = await makeTeam(s.stack.deps, s.stack.url);
      const sessions: string[] = [];
      for (let i = 0; i < ESCALATIONS + 10; i++) sessions.push(await newSession(junior, i));
      runs.push({ ...s, junior, sessions, times: [] as number[] });
    }
    for (const r of runs) for (let i = 0; i < 10; i++) await escalate(r.junior, r.sessions[i]!); // warm-up
    // A blocked event loop would show here; a busy machine shows as slow requests with a calm loop.
    loop.enable();
    for (let i = 10; i < ESCALATIONS + 10; i++) {
      // Rotate who goes first, so no state always follows the same one.
      for (let k = 0; k < runs.length; k++) {
        const r = runs[(i + k) % runs.length]!;
        r.times.push(await escalate(r.junior, r.sessions[i]!));
      }
    }
    loop.disable();
    return runs.map((r) => ({
      mode: r.mode,
      label: r.stack.label,
      p50: pct(r.times, 50),
      p99: pct(r.times, 99),
      max: Math.max(...r.times),
    }));
  } finally {
    for (const s of stacks) await s.stack.close();
  }
}

async function throughput() {
  const sink = await startSink();
  const stack = await startStack(sink.url, false);
  try {
    const { junior, recipients } = await makeTeam(stack.deps, stack.url, BACKLOG_PEOPLE - 5);
    // The backlog: escalations made while no worker ran (as after an SMTP outage or a restart).
    for (let i = 0; i < BACKLOG_ESCALATIONS; i++) await escalate(junior, await newSession(junior, i));
    const expected = BACKLOG_ESCALATIONS * recipients;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await stack.startWorker();
    const until = Date.now() + 600_000;
    while (sink.received() < expected) {
      if (Date.now() > until) throw new Error(`only ${sink.received()} of ${expected} mails arrived`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      mails: expected,
      seconds,
      rate: expected / seconds,
      cpuMsPerMail: (cpu.user + cpu.system) / 1000 / expected,
    };
  } finally {
    await stack.close();
    await sink.close();
  }
}

async function main() {
  const up = await startSink();
  const rejecting = await startSink(true);
  const hang = await startHangingServer();
  const down = await refusedUrl();
  let results: Awaited<ReturnType<typeof escalateLatency>>;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const load0 = os.loadavg()[0]!;
  try {
    results = await escalateLatency(
      [
        { mode: 'up', smtpUrl: up.url },
        { mode: 'down (refused)', smtpUrl: down },
        { mode: 'hanging', smtpUrl: hang.url },
        { mode: 'rejecting (550)', smtpUrl: rejecting.url },
      ],
      loop,
    );
  } finally {
    await up.close();
    await rejecting.close();
    await hang.close();
  }
  const tp = await throughput();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Notification benchmark — ${results[0]!.label}`);
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `escalate  POST /api/sessions/{id}/handoffs, ${ESCALATIONS} requests per row taking turns, 4 e-mail rows each; four servers, each with its worker, in one process`,
  );
  console.log(
    `          event-loop delay during the run: p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms; load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`,
  );
  for (const r of results) {
    console.log(
      `  SMTP ${r.mode.padEnd(16)} p50 ${fmt(r.p50).padStart(9)}  p99 ${fmt(r.p99).padStart(9)}  max ${fmt(r.max)}`,
    );
  }
  console.log(
    `worker    ${tp.mails} pending e-mails (${BACKLOG_ESCALATIONS} escalations × ${tp.mails / BACKLOG_ESCALATIONS} recipients) to a local SMTP sink: ${tp.seconds.toFixed(2)} s, ${tp.rate.toFixed(0)} mails/s (concurrency 8); CPU of this process (worker, PGlite if embedded, and the sink) ${tp.cpuMsPerMail.toFixed(1)} ms per mail`,
  );
}

await main();
