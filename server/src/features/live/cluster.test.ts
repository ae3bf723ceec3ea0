import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePresence } from '../../db/schema.js';
import { backend } from '../../test/db.js';
import { escalateNewSession, type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { SseReader } from '../../test/sse.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A second server process (the real `main.ts`) on the same PostgreSQL database. */
async function startProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rf-cluster-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process B did not start:\n${out}`)), 30_000);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      out += d;
    });
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('0.0.0.0', '127.0.0.1'));
      }
    });
    child.on('exit', (code) => reject(new Error(`process B exited (${code}):\n${out}`)));
  });
  return { url, child };
}

describe.skipIf(backend !== 'postgres')('several server processes on one PostgreSQL', () => {
  let a: Harness;
  let b: { url: string; child: ChildProcess };
  let t: Team;
  beforeAll(async () => {
    a = await startApp();
    b = await startProcess(a.db.url!);
    t = await makeTeam(a, 'Cluster Co');
  });
  afterAll(async () => {
    if (b?.child.exitCode === null) {
      const exited = new Promise((r) => b.child.once('exit', r));
      b.child.kill('SIGTERM');
      await exited;
    }
    await a?.close();
  });

  const presenceOf = (userId: string) =>
    a.db.db.select().from(livePresence).where(eq(livePresence.userId, userId));

  async function escalateThroughA(title: string) {
    const { handoffId } = await escalateNewSession(t.junior, {
      title,
      problem: 'VPN drops every hour',
      reason: 'Out of ideas',
      urgency: 'critical',
    });
    return handoffId;
  }

  it('an escalation made through process A reaches a stream held on process B', async () => {
    // The sign-in cookie works on both: sessions live in the database.
    const onB = await SseReader.open(b.url, { cookie: t.senior.client.cookie });
    const onA = await SseReader.open(a.url, { cookie: t.senior2.client.cookie });
    expect(onB.status).toBe(200);
    await Promise.all([onB.ready(), onA.ready()]);
    const t0 = performance.now();
    const id = await escalateThroughA('Cross-process');
    await onB.next('handoff.created', (j) => j.handoff.id === id, 5_000);
    const ms = performance.now() - t0;
    await onA.next('handoff.created', (j) => j.handoff.id === id, 5_000);
    expect(onB.changes.map((e) => e.id)).toEqual(onA.changes.map((e) => e.id));
    console.log(`escalation through A seen on B after ${ms.toFixed(1)} ms (incl. the request)`);
    onA.close();
    onB.close();
  });

  it('a teammate whose only tab is on process B counts as on the page for an escalation made through A (no e-mail)', async () => {
    const onB = await SseReader.open(b.url, { cookie: t.senior.client.cookie });
    await onB.ready();
    // B writes its presence row right after the stream opens (a turn of its event loop later).
    let rows = 0;
    for (let i = 0; i < 100 && rows === 0; i++) {
      rows = (await presenceOf(t.senior.id)).length;
      if (rows === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(rows).toBe(1);
    const id = await escalateThroughA('Presence across processes');
    const list = (await t.admin.client.get(`/api/handoffs/${id}/notifications`)).body.notifications as {
      recipientId: string;
      channel: string;
      status: string;
    }[];
    const email = (userId: string) => list.find((n) => n.recipientId === userId && n.channel === 'email');
    expect(email(t.senior.id)?.status).toBe('skipped');
    expect(email(t.owner.id)?.status).toBe('pending'); // nothing open anywhere
    onB.close();
  });

  it("a sign-out on A ends that sign-in's stream on B", async () => {
    const team = await makeTeam(a, 'Cluster signout');
    const onB = await SseReader.open(b.url, { cookie: team.junior.client.cookie });
    await onB.ready();
    expect((await team.junior.client.post('/api/auth/logout')).status).toBe(204);
    await onB.done;
  });

  it('a hub whose LISTEN connection drops reconnects and delivers what was committed meanwhile', async () => {
    const r = await SseReader.open(a.url, { cookie: t.viewer.client.cookie });
    await r.ready();
    const admin = new pg.Client({ connectionString: a.db.url });
    await admin.connect();
    try {
      // Kill A's listening connection, and commit an escalation while it is gone.
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'rf-listener' and datname = current_database() and pid <> pg_backend_pid()`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(1); // A's (and B's) listeners
      const id = await escalateThroughA('While A was deaf');
      await r.next('handoff.created', (j) => j.handoff.id === id, 10_000);
      // And it listens again: the next one arrives as usual.
      const next = await escalateThroughA('After the reconnect');
      await r.next('handoff.created', (j) => j.handoff.id === next, 5_000);
    } finally {
      await admin.end();
      r.close();
    }
  });

  it('process B shuts down promptly with open streams (SIGTERM)', async () => {
    const streams = await Promise.all(
      [t.junior, t.senior, t.owner].map((p) => SseReader.open(b.url, { cookie: p.client.cookie })),
    );
    await Promise.all(streams.map((s) => s.ready()));
    const t0 = Date.now();
    const exited = new Promise<number | null>((r) => b.child.once('exit', (code) => r(code)));
    b.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await Promise.all(streams.map((s) => s.done));
    // B cleared its presence on the way out: these people are away again.
    for (const p of [t.junior, t.senior, t.owner]) expect(await presenceOf(p.id)).toHaveLength(0);
  });
});
