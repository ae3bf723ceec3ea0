import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { notifications } from '../db/schema.js';
import { backend, createTestDatabase } from '../test/db.js';
import { Client, type Harness, makeTeam, startApp, type Team } from '../test/harness.js';
import { freePort, type ReceivedMail, SmtpSink } from '../test/smtp-sink.js';

/**
 * Real server processes (`src/main.ts`, as `npm start` runs it) sharing one PostgreSQL database:
 * a process killed with SIGKILL in the middle of a send, and two workers draining one outbox.
 * PostgreSQL only: PGlite is one process's embedded database.
 */
const serverDir = path.resolve(import.meta.dirname, '../..');
const PUBLIC_URL = 'https://rf.example.test';

interface ServerProcess {
  url: string;
  proc: ChildProcess;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

async function startServer(db: Database, smtpUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      SMTP_URL: smtpUrl,
      PUBLIC_URL,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rf-proc-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (c) => {
    output += c;
  });
  proc.stderr!.on('data', (c) => {
    output += c;
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await fetch(`${url}/api/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    output: () => output,
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const handoffOf = (m: ReceivedMail) => m.text.match(/\/handoffs\/([0-9a-f-]{36})/)?.[1] ?? null;

async function escalate(client: Client, title: string) {
  const s = await client.post('/api/sessions', { title, problem: `${title}: users cannot work.` });
  expect(s.status).toBe(201);
  const res = await client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.handoff.id as string;
}

/** The same signed-in person, talking to another process. */
const via = (c: Client, base: string) => Object.assign(new Client(base), { cookie: c.cookie });

async function emailRows(db: Database, handoffIds: string[]) {
  return db.db
    .select({
      status: notifications.status,
      attempts: notifications.attempts,
      leaseUntil: notifications.leaseUntil,
    })
    .from(notifications)
    .where(and(inArray(notifications.handoffId, handoffIds), eq(notifications.channel, 'email')));
}

describe.skipIf(backend !== 'postgres')('outbox across server processes (PostgreSQL)', () => {
  let db: Database;
  let h: Harness;
  const procs: ServerProcess[] = [];
  const sinks: SmtpSink[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Only for making teams and sessions; its commits NOTIFY the processes' workers.
    h = await startApp({ db, env: { PUBLIC_URL } });
  });
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGTERM');
    for (const s of sinks) await s.close();
    await h?.close();
    await db?.close();
  });

  it('a process SIGKILLed in the middle of a retry loses nothing: a restarted one delivers every mail, nobody twice', async () => {
    const sink = await SmtpSink.start('down');
    sinks.push(sink);
    const t: Team = await makeTeam(h);
    const first = await startServer(db, sink.url);
    procs.push(first);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await escalate(via(t.junior.client, first.url), `Kill test ${i}`));
    const expected = ids.length * 4; // owner, admin, senior, senior2 for each

    // SMTP is down: the rows fail and wait for their retry.
    const until = Date.now() + 20_000;
    while (!(await emailRows(db, ids)).every((r) => r.attempts >= 1 && r.status === 'pending')) {
      if (Date.now() > until) throw new Error('rows never failed a first time');
      await settle(100);
    }
    // Now the server hangs: the next retry connects and gets stuck mid-send, holding its lease.
    await sink.setMode('hang');
    await (async () => {
      const stop = Date.now() + 30_000;
      while (sink.hangingConnections === 0) {
        if (Date.now() > stop) throw new Error(`no retry reached the SMTP server: ${first.output()}`);
        await settle(50);
      }
    })();
    await settle(300);
    const leased = (await emailRows(db, ids)).filter((r) => r.leaseUntil && r.leaseUntil > new Date());
    expect(leased.length).toBeGreaterThan(0);

    await first.kill('SIGKILL');
    expect(first.proc.signalCode).toBe('SIGKILL');
    await sink.setMode('up');
    const second = await startServer(db, sink.url);
    procs.push(second);

    // The rows the dead process held come back when its lease runs out (15 s), the others at once.
    await sink.waitFor((m) => m.filter((x) => ids.includes(handoffOf(x) ?? '')).length >= expected, 60_000);
    await settle(2000);
    const got = sink.mails.filter((x) => ids.includes(handoffOf(x) ?? ''));
    const keys = got.map((m) => `${m.to[0]} ${handoffOf(m)}`);
    expect(new Set(keys).size).toBe(expected);
    expect(keys).toHaveLength(expected);
    expect((await emailRows(db, ids)).every((r) => r.status === 'sent')).toBe(true);
    await second.kill('SIGTERM');
  }, 120_000);

  it('two worker processes on one database never send a row twice over a burst of 200 escalations', async () => {
    const sink = await SmtpSink.start('up');
    sinks.push(sink);
    const t: Team = await makeTeam(h);
    const a = await startServer(db, sink.url);
    const b = await startServer(db, sink.url);
    procs.push(a, b);
    const clients = [via(t.junior.client, a.url), via(t.junior.client, b.url)];

    // 200 escalations, 8 at a time, spread over both processes like a load balancer would.
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 200) {
          const i = next++;
          ids.push(await escalate(clients[i % 2]!, `Burst ${i}`));
        }
      }),
    );
    const expected = 200 * 4;
    await sink.waitFor((m) => m.filter((x) => ids.includes(handoffOf(x) ?? '')).length >= expected, 120_000);
    await settle(3000);

    const got = sink.mails.filter((x) => ids.includes(handoffOf(x) ?? ''));
    const keys = got.map((m) => `${m.to[0]} ${handoffOf(m)}`);
    expect(keys).toHaveLength(expected);
    expect(new Set(keys).size).toBe(expected);
    const rows = await emailRows(db, ids);
    expect(rows).toHaveLength(expected);
    // Every row was claimed exactly once: no second worker ever leased a row the first held.
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  }, 180_000);
});
