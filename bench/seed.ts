/**
 * The demo seed's cost on a fresh embedded data folder (as the first `npm start` runs it), and the
 * analytics the 90-day history gives.
 * Usage: npm run bench:seed      (BENCH_ROUNDS=5 by default)
 * Prints figures; it is not a timed test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openPglite } from '../server/src/db/client.js';
import { buildScorecard } from '../server/src/features/analytics/scorecard.js';
import { seedDemo } from '../server/src/seed.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const walls: number[] = [];
const cpus: number[] = [];
let last: Awaited<ReturnType<typeof seedDemo>> | null = null;
let card: Awaited<ReturnType<typeof buildScorecard>> | null = null;
for (let i = 0; i < ROUNDS; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-seed-'));
  const db = await openPglite({ dataDir: dir });
  await migrateDatabase(db);
  const cpu = process.cpuUsage();
  const t = performance.now();
  last = await seedDemo({ db, clock: () => new Date() });
  walls.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  cpus.push((used.user + used.system) / 1000);
  if (i === ROUNDS - 1) card = await buildScorecard(db.db, { weeks: 13, now: new Date() });
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `demo seed (${last!.sessions} sessions, ${last!.escalations} escalations, ${last!.baselines} baselines), ${ROUNDS} rounds on a fresh PGlite folder:`,
);
console.log(
  `  wall median ${median(walls).toFixed(0)} ms (min ${Math.min(...walls).toFixed(0)}, max ${Math.max(...walls).toFixed(0)})`,
);
console.log(
  `  CPU  median ${median(cpus).toFixed(0)} ms (min ${Math.min(...cpus).toFixed(0)}, max ${Math.max(...cpus).toFixed(0)})`,
);
const demo = card!.accounts[0]!;
console.log(
  `13 weeks: ${demo.escalations} escalations, ${demo.claimedPerWeek.toFixed(1)} claimed/week, baselines n ${demo.baseline.n} median ${demo.baseline.medianSeconds?.toFixed(0)} s, TTFA median ${demo.timeToFirstActionMedianSeconds?.toFixed(0)} s, ${demo.minutesRecoveredPerEscalation?.toFixed(1)} min recovered, ${demo.hoursSavedPerWeek?.toFixed(2)} h saved/week (${demo.verdict})`,
);
