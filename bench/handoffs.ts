/**
 * Escalation-core benchmark: 100,000 handoffs in one account, then over real HTTP:
 *   - queue list (GET /api/handoffs?status=open,claimed) latency, p50/p99
 *   - analytics (GET /api/analytics/flowpilot/escalations?period=30d|90d) latency, p50/p99
 *   - claim throughput (POST /api/handoffs/{id}/claim), sequential and 8 in flight
 * Usage: npm run bench:handoffs            (embedded PGlite)
 *        BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:handoffs
 * Prints figures; it is not a timed test. Only talks to 127.0.0.1.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { type Database, migrateDatabase, openPglite, openPostgres } from '../server/src/db/client.js';
import type { Deps } from '../server/src/deps.js';
import { createAssistant } from '../server/src/features/assistant/assistant.js';
import { hashPassword } from '../server/src/features/auth/password.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { Client } from '../server/src/test/harness.js';

const N = Number(process.env.BENCH_HANDOFFS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 400);

async function openBenchDb(): Promise<{ db: Database; label: string; drop?: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const db = await openPglite();
    await migrateDatabase(db);
    return { db, label: 'PGlite (in memory)' };
  }
  const name = `rf_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: 10 });
  await migrateDatabase(db);
  return {
    db,
    label: 'PostgreSQL 15 (127.0.0.1)',
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (x: number) => `${x.toFixed(2)} ms`;

async function timeRequests(c: Client, path: string | ((i: number) => string), rounds: number) {
  const at = (i: number) => (typeof path === 'string' ? path : path(i));
  for (let i = 0; i < 10; i++) await c.get(at(rounds + i)); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const res = await c.get(at(i));
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${at(i)} answered ${res.status}`);
  }
  return { p50: pct(times, 50), p99: pct(times, 99) };
}

async function main() {
  const { db, label, drop } = await openBenchDb();
  const deps: Deps = {
    db,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    clock: () => new Date(),
    assistant: createAssistant({ llm: null }),
    afterCommit: () => {},
  };
  const accountId = crypto.randomUUID();
  await authRepo.insertAccount(db.db, { id: accountId, name: 'Bench MSP' });
  const hash = await hashPassword('bench-password');
  const people = ['junior', 'senior', ...Array.from({ length: 8 }, (_, i) => `claimer${i}`)];
  const ids: Record<string, string> = {};
  for (const p of people) {
    ids[p] = crypto.randomUUID();
    await authRepo.insertUser(db.db, {
      id: ids[p]!,
      accountId,
      name: p,
      email: `${p}@bench.test`,
      passwordHash: hash,
      role: 'engineer',
      tier: p === 'junior' ? 1 : 2,
    });
  }

  const t0 = performance.now();
  // Bulk load in SQL: N sessions and N handoffs, one every 315 s (about a year). The newest 60 are
  // open, the 200 before them claimed; older ones are resolved (90 %, claimed with a first action)
  // or cancelled (10 %).
  await db.db.execute(`
    insert into flow_sessions (id, account_id, title, problem, customer, asset, status, owner_id, created_by, created_at, updated_at)
    select 's' || g, '${accountId}', 'Bench case ' || g, 'Outlook prompts for password on PC ' || g, 'Customer ' || (g % 97), 'PC-' || g,
           'active', '${ids.senior}', '${ids.junior}', now() - (${N} - g) * interval '315 seconds' - interval '10 minutes',
           now() - (${N} - g) * interval '315 seconds'
    from generate_series(1, ${N}) g`);
  await db.db.execute(`
    insert into handoffs (id, account_id, session_id, intent, status, reason, urgency, created_by, created_at,
                          claimed_by, claimed_at, first_action_at, closed_at, context)
    select 'h' || g, '${accountId}', 's' || g, 'escalate',
           case when g > ${N} - 60 then 'open' when g % 10 = 0 then 'cancelled' when g > ${N} - 260 then 'claimed' else 'resolved' end,
           'stuck on case ' || g, (array['low','normal','high','critical'])[1 + g % 4], '${ids.junior}',
           now() - (${N} - g) * interval '315 seconds',
           case when g > ${N} - 60 or g % 10 = 0 then null else '${ids.senior}' end,
           case when g > ${N} - 60 or g % 10 = 0 then null else now() - (${N} - g) * interval '315 seconds' + (30 + g % 600) * interval '1 second' end,
           case when g > ${N} - 60 or g % 10 = 0 then null else now() - (${N} - g) * interval '315 seconds' + (60 + g % 900) * interval '1 second' end,
           case when g > ${N} - 60 or (g > ${N} - 260 and g % 10 <> 0) then null
                else now() - (${N} - g) * interval '315 seconds' + interval '45 minutes' end,
           '{}'::jsonb
    from generate_series(1, ${N}) g`);
  await db.db.execute('vacuum analyze'); // as autovacuum would have done by now
  const loadMs = performance.now() - t0;

  const app = await buildApp({ deps, logger: false, webDist: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = async (who: string) => {
    const c = new Client(url);
    const r = await c.post('/api/auth/login', { email: `${who}@bench.test`, password: 'bench-password' });
    if (r.status !== 200) throw new Error(`login ${who}: ${r.status}`);
    return c;
  };
  const senior = await login('senior');

  const me = await timeRequests(senior, '/api/me', ROUNDS);
  const queue = await timeRequests(senior, '/api/handoffs?status=open,claimed', ROUNDS);
  // Repeated reads (the metric card of every open queue tab) are answered from the per-process
  // answer cache while nothing changed; "cold" asks a different window every time, so each
  // request is computed by PostgreSQL.
  const a30 = await timeRequests(senior, '/api/analytics/flowpilot/escalations?period=30d', ROUNDS);
  const a90 = await timeRequests(senior, '/api/analytics/flowpilot/escalations?period=90d', ROUNDS);
  const coldWindow =
    (days: number, compare = false) =>
    (i: number) => {
      const to = new Date(Date.now() - i * 60_000);
      const from = new Date(to.getTime() - days * 86_400_000);
      const extra = compare ? '&compare=true' : '';
      return `/api/analytics/flowpilot/escalations?from=${from.toISOString()}&to=${to.toISOString()}${extra}`;
    };
  const c30 = await timeRequests(senior, coldWindow(30), ROUNDS);
  const c90 = await timeRequests(senior, coldWindow(90), ROUNDS);
  const c30compare = await timeRequests(senior, coldWindow(30, true), ROUNDS);

  // Claim throughput: fresh open handoffs, claimed over HTTP.
  await db.db.execute(`
    insert into flow_sessions (id, account_id, title, problem, status, owner_id, created_by)
    select 'cs' || g, '${accountId}', 'Claim case ' || g, 'VPN drops', 'escalated', '${ids.junior}', '${ids.junior}'
    from generate_series(1, ${CLAIMS * 2}) g`);
  await db.db.execute(`
    insert into handoffs (id, account_id, session_id, intent, status, reason, urgency, created_by, context)
    select 'ch' || g, '${accountId}', 'cs' || g, 'escalate', 'open', 'stuck', 'normal', '${ids.junior}', '{}'::jsonb
    from generate_series(1, ${CLAIMS * 2}) g`);
  const claimers = await Promise.all(people.filter((p) => p.startsWith('claimer')).map(login));
  let t = performance.now();
  for (let i = 1; i <= CLAIMS; i++) {
    const r = await claimers[0]!.post(`/api/handoffs/ch${i}/claim`);
    if (r.status !== 200) throw new Error(`claim answered ${r.status}`);
  }
  const seqRate = CLAIMS / ((performance.now() - t) / 1000);
  t = performance.now();
  let next = CLAIMS + 1;
  await Promise.all(
    claimers.map(async (c) => {
      for (let id = next++; id <= CLAIMS * 2; id = next++) {
        const r = await c.post(`/api/handoffs/ch${id}/claim`);
        if (r.status !== 200) throw new Error(`claim answered ${r.status}`);
      }
    }),
  );
  const parRate = CLAIMS / ((performance.now() - t) / 1000);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Escalation core benchmark — ${label}`);
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `data: ${N.toLocaleString('en')} handoffs in one account (bulk load ${(loadMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `baseline     GET /api/me (auth only)                    p50 ${fmt(me.p50)}  p99 ${fmt(me.p99)}`,
  );
  console.log(
    `queue list   GET /api/handoffs?status=open,claimed     p50 ${fmt(queue.p50)}  p99 ${fmt(queue.p99)}  (${ROUNDS} requests)`,
  );
  const row = (label: string, r: { p50: number; p99: number }) =>
    console.log(`${label.padEnd(54)} p50 ${fmt(r.p50)}  p99 ${fmt(r.p99)}`);
  row('analytics    GET …/escalations?period=30d (repeat)', a30);
  row('analytics    GET …/escalations?period=90d (repeat)', a90);
  row('analytics    30-day window, computed (cold)', c30);
  row('analytics    90-day window, computed (cold)', c90);
  row('analytics    30-day window + previous (compare=true, cold)', c30compare);
  console.log(
    `claims       sequential ${seqRate.toFixed(0)}/s, 8 in flight ${parRate.toFixed(0)}/s  (${CLAIMS} each)`,
  );

  await app.close();
  await db.close();
  await drop?.();
}

await main();
