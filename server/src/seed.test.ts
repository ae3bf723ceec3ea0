import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmShippedEngine } from './features/assistant/engine.js';
import { verifyPassword } from './features/auth/password.js';
import { DEMO_PASSWORD_HASHES, DEMO_USERS, demoInfo, isEmpty, seedDemo } from './seed.js';
import { type Client, type Harness, startApp } from './test/harness.js';

let h: Harness;
let llm: http.Server;
let llmCalls = 0;
let seedMs = 0;
let seedCpuMs = 0;
let seeded: Awaited<ReturnType<typeof seedDemo>>;
const now = new Date();

beforeAll(async () => {
  // An LLM is configured, and it counts every request: the seed must never call it.
  llm = http.createServer((_req, res) => {
    llmCalls++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
  const { port } = llm.address() as AddressInfo;
  h = await startApp({ llm: { baseUrl: `http://127.0.0.1:${port}/v1`, model: 'never-called' } });
  expect(await isEmpty(h.deps)).toBe(true);
  // The assistant's index is built on first use (a server builds it right after listening); build it
  // here so that the figure below is the seed's own cost, not the index's (bench/startup.ts has both).
  warmShippedEngine();
  const started = performance.now();
  const cpu = process.cpuUsage();
  seeded = await seedDemo({ ...h.deps, clock: () => now });
  const used = process.cpuUsage(cpu);
  seedMs = performance.now() - started;
  seedCpuMs = (used.user + used.system) / 1000;
}, 120_000);
afterAll(async () => {
  await h.close();
  await new Promise((r) => llm.close(r));
});

async function signIn(who: (typeof DEMO_USERS)[number]['key']): Promise<Client> {
  const d = DEMO_USERS.find((u) => u.key === who)!;
  const c = h.client();
  expect((await c.post('/api/auth/login', { email: d.email, password: d.password })).status).toBe(200);
  return c;
}

describe('demo seed', () => {
  it('is fast, and never asks the LLM', () => {
    console.log(
      `demo seed: ${seedMs.toFixed(0)} ms (${seedCpuMs.toFixed(0)} ms CPU) for ${seeded.sessions} sessions, ${seeded.escalations} escalations, ${seeded.baselines} baselines`,
    );
    expect(llmCalls).toBe(0);
    // The budget is a first start under 3 s in total; the seed itself takes about 250 ms of CPU
    // alone (bench/seed.ts), more in a test worker sharing two busy cores. Run from the sources, as
    // here, it also asks the engine for every seeded session's assessment (the build ships them
    // precomputed): about 1.3–1.6 s of CPU at 823 playbooks on the AMD test machines, 2.1 s at 892
    // on the slower Intel one of 2026-11-27 (a CI run there failed the old 2 s bound).
    // CPU time, not wall time: the test machines are shared and wall time swings with their load.
    // A regression to a row-by-row seed through the services (several seconds) fails this bound.
    expect(seedCpuMs).toBeLessThan(3000);
  });

  it('stores hashes that verify against the published demo passwords', async () => {
    for (const d of DEMO_USERS)
      expect(await verifyPassword(DEMO_PASSWORD_HASHES[d.key], d.password)).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORD_HASHES.owner, 'demo-senior-pass')).toBe(false);
  });

  it('creates Northwind IT with an owner, a senior, a junior and a viewer whose printed sign-ins work', async () => {
    expect(await isEmpty(h.deps)).toBe(false);
    const info = await demoInfo(h.deps);
    expect(info.demo).toBe(true);
    expect(info.signIns.map((s) => [s.role, s.tier])).toEqual([
      ['owner', 3],
      ['engineer', 2],
      ['engineer', 1],
      ['viewer', 1],
    ]);
    for (const d of DEMO_USERS) {
      const c = h.client();
      const res = await c.post('/api/auth/login', { email: d.email, password: d.password });
      expect(res.status, d.email).toBe(200);
      expect(res.body.account.name).toBe('Northwind IT');
    }
  });

  it('is found by its stored marker: a sign-up that calls itself "Northwind IT" is not the demo', async () => {
    const c = h.client();
    const res = await c.post('/api/auth/signup', {
      accountName: 'Northwind IT',
      name: 'Copycat',
      email: `copycat.${Date.now()}@example.test`,
      password: 'a long enough password',
    });
    expect(res.status).toBe(201);
    const info = await demoInfo(h.deps);
    expect(info.signIns).toHaveLength(4);
    // The demo's own account (not the look-alike) is where the sign-ins lead.
    const me = (await (await signIn('owner')).get('/api/me')).body;
    expect(me.account.id).toBe(seeded.accountId);
  });

  it("leaves today's work: two open escalations in the queue, one session in progress", async () => {
    const c = await signIn('senior');
    const queue = (await c.get('/api/handoffs?status=open')).body.handoffs;
    expect(queue.map((q: { session: { title: string } }) => q.session.title)).toEqual([
      'Intranet site will not resolve for the whole office',
      'VPN connects but no access to file shares',
    ]);
    const handoff = (await c.get(`/api/handoffs/${queue[0].id}`)).body.handoff;
    expect(handoff.context.tried).toHaveLength(3);
    expect(handoff.context.assessment.engine).toBe('builtin');
    expect(handoff.context.startHere.action.length).toBeGreaterThan(5);
    const sessions = (await c.get('/api/sessions?limit=5')).body.sessions;
    expect(sessions[0].title).toBe('VPN connects but no access to file shares');
    expect(sessions.map((s: { status: string }) => s.status)).toContain('active');
  });

  it('gives the last two weeks their ticket notes: the open escalations and recent resolves', async () => {
    const c = await signIn('viewer');
    const queue = (await c.get('/api/handoffs?status=open')).body.handoffs as {
      id: string;
      sessionId: string;
    }[];
    for (const q of queue) {
      const notes = (await c.get(`/api/sessions/${q.sessionId}/notes`)).body.notes;
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ kind: 'escalation', handoffId: q.id });
      expect(notes[0].body).toMatch(/^Escalation note: /);
      expect(notes[0].body).toContain('What was tried\n1. ');
    }
    const resolved = (await c.get('/api/sessions?status=resolved&limit=5')).body.sessions as {
      id: string;
      resolution: string;
    }[];
    const notes = (await c.get(`/api/sessions/${resolved[0]!.id}/notes`)).body.notes as {
      kind: string;
      body: string;
    }[];
    const note = notes.find((n) => n.kind === 'resolution')!;
    expect(note.body).toContain(`Resolution\n${resolved[0]!.resolution.split(' ')[0]}`);
  });

  it('tells a 90-day story over three customers: time to first action falls as the handoff is adopted', async () => {
    const c = await signIn('owner');
    const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const q = (from: string, to: string) =>
      c.get(`/api/analytics/flowpilot/escalations?from=${from}&to=${to}`).then((r) => r.body);
    const first30 = await q(day(-90), day(-61));
    const last30 = await q(day(-30), day(-1));
    expect(first30.escalations).toBeGreaterThan(30);
    expect(last30.escalations).toBeGreaterThan(30);
    expect(last30.timeToFirstAction.median).toBeLessThan(first30.timeToFirstAction.median / 2);
    expect(last30.timeToClaim.median).toBeLessThan(first30.timeToClaim.median);

    const all = (await c.get('/api/analytics/flowpilot/escalations?period=90d')).body;
    expect(all.baseline.n).toBeGreaterThanOrEqual(10);
    // Passes the pilot rule on its own figures: above 1.0 hour saved per week.
    expect(all.minutesRecovered.perEscalation).toBeGreaterThan(3);
    expect(all.minutesRecovered.hoursPerWeek).toBeGreaterThan(1);
    // Weekdays are busy, weekends quiet, and no day is missing from the series.
    expect(all.series).toHaveLength(91);

    const rows = (await c.get('/api/analytics/flowpilot/escalations/rows?period=90d')).body;
    expect(new Set(rows.escalations.map((r: { customer: string }) => r.customer))).toEqual(
      new Set(['Contoso Dental', 'Fabrikam Legal', 'Tailspin Logistics']),
    );
    // Some baselines time real escalations and link to them.
    const baselines = (await c.get('/api/analytics/baselines')).body.baselines;
    expect(baselines.some((b: { handoffId: string | null }) => b.handoffId !== null)).toBe(true);
  });

  it('keeps resolved history readable: a past handoff has its audit trail and a first action by its claimer', async () => {
    const c = await signIn('senior');
    const rows = (await c.get('/api/analytics/flowpilot/escalations/rows?period=30d')).body.escalations;
    const done = rows.find((r: { status: string }) => r.status === 'resolved');
    const handoff = (await c.get(`/api/handoffs/${done.id}`)).body.handoff;
    expect(handoff.audit.map((a: { action: string }) => a.action)).toEqual([
      'created',
      'claimed',
      'first_action',
      'resolved',
    ]);
    const session = (await c.get(`/api/sessions/${handoff.sessionId}`)).body.session;
    const firstByClaimer = session.timeline.find(
      (e: { kind: string; author: { id: string } | null }) =>
        e.kind === 'step' && e.author?.id === handoff.claimedBy.id,
    );
    expect(firstByClaimer.at).toBe(handoff.firstActionAt);
    expect(firstByClaimer.text).toBe(handoff.context.startHere.action);
    expect(session.status).toBe('resolved');
  });
});

// A built server carries the seed's engine answers (seed-assessments.ts, made by the build): a first
// start then never builds the knowledge index before it answers. They must cover everything the
// seed asks, and give exactly what the engine gives.
describe('the demo seed with the build precomputed engine answers', () => {
  it('asks the engine nothing, and seeds the same handoff snapshots as the engine live', async () => {
    const { writeDemoEngineAnswers } = await import('./seed.js');
    const { handoffs } = await import('./db/schema.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    // As scripts/build-server.mjs does (build-seed-assessments.ts), on another day than the seed's.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rf-seed-')), 'seed-assessments.json');
    await writeDemoEngineAnswers(file, new Date(now.getTime() - 3 * 86_400_000));

    const other = await startApp();
    try {
      const result = await seedDemo({ ...other.deps, clock: () => now }, file);
      expect(result.engineLive).toBe(0);
      expect(seeded.engineLive).toBeGreaterThan(0); // the first seed had no file: all live
      const contexts = async (x: Harness) =>
        (await x.deps.db.db.select({ c: handoffs.context }).from(handoffs).orderBy(handoffs.createdAt)).map(
          (r) => r.c,
        );
      const live = await contexts(h);
      expect(live.length).toBe(seeded.escalations);
      expect(await contexts(other)).toEqual(live);
    } finally {
      await other.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }, 120_000);

  it('falls back to the engine when the file is missing, damaged or from another version', async () => {
    const { loadSeedAssessments } = await import('./seed-assessments.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-seed-'));
    try {
      expect(loadSeedAssessments(path.join(dir, 'none.json')).assessments.size).toBe(0);
      for (const body of ['{not json', '{"version":1,"entries":{}}', '[]']) {
        fs.writeFileSync(path.join(dir, 'bad.json'), body);
        const got = loadSeedAssessments(path.join(dir, 'bad.json'));
        expect(got.assessments.size + got.suggested.size).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
