/**
 * What reading the analytics figures in one snapshot costs. 100,000 handoffs in one account (as in
 * bench/handoffs.ts); then, interleaved round by round so that the machine's load hits both alike:
 *   - snapshot: the shipped path (escalationAnalytics on a cache miss): four statements one after
 *     another (account state, the window, the previous window, the series) in one REPEATABLE
 *     READ, read-only transaction;
 *   - parallel: the old path, five statements at once on the pool, with no common snapshot.
 * Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:analytics-snapshot
 *        (without it: embedded PGlite, one connection, where "parallel" is queued anyway)
 * Prints figures; it is not a timed test.
 */
import os from 'node:os';
import { loadConfig } from '../server/src/config.js';
import type { Deps } from '../server/src/deps.js';
import * as analyticsRepo from '../server/src/features/analytics/repo.js';
import { escalationAnalytics } from '../server/src/features/analytics/service.js';
import { createAssistant } from '../server/src/features/assistant/assistant.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { openBenchDb } from './bench-db.js';

const N = Number(process.env.BENCH_HANDOFFS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

const { db, label, drop } = await openBenchDb('rf_bench_snap');
const accountId = crypto.randomUUID();
const user = crypto.randomUUID();
await authRepo.insertAccount(db.db, { id: accountId, name: 'Bench MSP' });
await authRepo.insertUser(db.db, {
  id: user,
  accountId,
  name: 'bench',
  email: 'bench@bench.test',
  passwordHash: 'x',
  role: 'engineer',
  tier: 2,
});
await db.db.execute(`
  insert into flow_sessions (id, account_id, title, problem, status, owner_id, created_by, created_at, updated_at)
  select 's' || g, '${accountId}', 'Bench case ' || g, 'Broken', 'active', '${user}', '${user}',
         now() - (${N} - g) * interval '315 seconds', now() - (${N} - g) * interval '315 seconds'
  from generate_series(1, ${N}) g`);
await db.db.execute(`
  insert into handoffs (id, account_id, session_id, intent, status, reason, urgency, created_by, created_at,
                        claimed_by, claimed_at, first_action_at, context)
  select 'h' || g, '${accountId}', 's' || g, 'escalate', case when g % 10 = 0 then 'open' else 'resolved' end,
         'stuck', 'normal', '${user}', now() - (${N} - g) * interval '315 seconds',
         case when g % 10 = 0 then null else '${user}' end,
         case when g % 10 = 0 then null else now() - (${N} - g) * interval '315 seconds' + (30 + g % 600) * interval '1 second' end,
         case when g % 10 = 0 then null else now() - (${N} - g) * interval '315 seconds' + (60 + g % 900) * interval '1 second' end,
         '{}'::jsonb
  from generate_series(1, ${N}) g`);
await db.db.execute('vacuum analyze');

const deps: Deps = {
  db,
  config: loadConfig({ LOG_LEVEL: 'silent' }),
  clock: () => new Date(),
  assistant: createAssistant({ llm: null }),
  afterCommit: () => {},
};
const actor = {
  id: user,
  accountId,
  name: 'bench',
  email: 'bench@bench.test',
  role: 'engineer',
  tier: 2,
} as never;

/**
 * The old path, as it was before the snapshot: five statements at once on the pool (a summary per
 * window, the daily series, the open count, the baselines), each with its own snapshot.
 */
async function parallel(from: Date, to: Date) {
  const prevFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const where = (a: Date, b: Date) =>
    `account_id = '${accountId}' and created_at >= '${a.toISOString()}' and created_at < '${b.toISOString()}'`;
  const summary = (a: Date, b: Date) =>
    db.db.execute(`select count(*)::int, count(claimed_at)::int,
      percentile_cont(array[0.5, 0.9]) within group (order by date_part('epoch', claimed_at - created_at)),
      percentile_cont(array[0.5, 0.9]) within group (order by date_part('epoch', first_action_at - claimed_at)),
      count(first_action_at)::int from handoffs where ${where(a, b)}`);
  await Promise.all([
    analyticsRepo.analyticsVersion(db.db, accountId),
    summary(from, to),
    summary(prevFrom, from),
    db.db.execute(`select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD'), count(*)::int,
      count(claimed_at)::int, percentile_cont(0.5) within group (order by date_part('epoch', first_action_at - claimed_at))
      from handoffs where ${where(from, to)} group by date_trunc('day', created_at at time zone 'UTC') order by 1`),
    db.db.execute(`select count(*)::int from handoffs where account_id = '${accountId}' and status = 'open'`),
    db.db.execute(`select count(*)::int, percentile_cont(0.5) within group (order by duration_seconds)
      from baselines where account_id = '${accountId}'`),
  ]);
}

console.log(`Analytics in one snapshot — ${label}`);
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}; ${N.toLocaleString()} handoffs`,
);
for (const days of [30, 90]) {
  const snap: number[] = [];
  const par: number[] = [];
  for (let i = -5; i < ROUNDS; i++) {
    // A window never asked before, so the service computes it (a cache miss), with compare=true.
    const to = new Date(Date.now() - (i + 10) * 60_000);
    const from = new Date(to.getTime() - days * 86_400_000);
    const q = { from: from.toISOString(), to: to.toISOString(), compare: true };
    let t = performance.now();
    await escalationAnalytics(deps, actor, q);
    const a = performance.now() - t;
    t = performance.now();
    await parallel(from, to);
    const b = performance.now() - t;
    if (i >= 0) {
      snap.push(a);
      par.push(b);
    }
  }
  console.log(
    `${days}-day window + previous, cold: snapshot p50 ${pct(snap, 50).toFixed(1)} ms p99 ${pct(snap, 99).toFixed(1)} ms | parallel p50 ${pct(par, 50).toFixed(1)} ms p99 ${pct(par, 99).toFixed(1)} ms (${ROUNDS} rounds each, interleaved)`,
  );
}
await drop();
