// Start-up benchmark: how long `npm start` takes to answer /api/healthz, and how much memory the
// server holds once it is idle.
//
//   npm run bench:startup
//
// - first start: an empty DATA_DIR, so the embedded database is created, migrated and the demo
//   account seeded before the server listens;
// - later starts: the same DATA_DIR again (open, nothing to migrate, nothing to seed);
// - idle RSS of the server process a few seconds after it became healthy (peak RSS too);
// - where the time and the memory go, from the server's own "listening" log line (time and RSS
//   after loading the code, opening the database, seeding), plus the assistant's knowledge index
//   measured on its own;
// - SIGTERM until the process is gone, and whether it removed its data-folder lock.
//
// Settings: BENCH_FIRST_RUNS (3), BENCH_LATER_RUNS (5), BENCH_IDLE_MS (3000), and
// BENCH_START_CMD (default `npm start`) to time another way of starting, e.g.
// BENCH_START_CMD='cd server && npx tsx src/main.ts'. Everything talks to 127.0.0.1 only.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS ?? 3);
const LATER_RUNS = Number(process.env.BENCH_LATER_RUNS ?? 5);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 3000);
const START_CMD = process.env.BENCH_START_CMD ?? 'npm start';
const HEALTHY_WITHIN_MS = 120_000;

interface Run {
  healthyMs: number;
  /** CPU time used by every process of the start (npm, shell, server) until healthy. */
  cpuMs: number;
  /** The server's own account of where its start-up went (from its "listening" log line). */
  phases: Record<string, number> | null;
  rssSteps: Record<string, number> | null;
  /** The server's CPU time used by the end of each step. */
  cpuSteps: Record<string, number> | null;
  rssAtHealthyMb: number;
  idleRssMb: number;
  peakRssMb: number;
  shutdownMs: number;
  lockRemoved: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function children(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function tree(root: number): number[] {
  const all: number[] = [];
  const walk = (p: number, depth: number) => {
    all.push(p);
    if (depth < 8) for (const c of children(p)) walk(c, depth + 1);
  };
  walk(root, 0);
  return all;
}

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/**
 * CPU time of a process tree (user + system, with its reaped children). On a machine shared with
 * other jobs the wall-clock figures stretch; this one does not, so the two together tell load
 * from cost.
 */
function cpuMsOfTree(root: number): number {
  let ticks = 0;
  for (const p of tree(root)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14-17, counted from 3 after the command name.
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // it ended meanwhile
    }
  }
  return ticks * TICK_MS;
}

/** The node process that runs the server, under `npm start`'s npm and shell processes. */
function serverPid(root: number): number | null {
  const all = tree(root);
  const isServer = (p: number) => {
    try {
      return /(main|start)\.(js|ts)/.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  };
  // The deepest match is the real server (tsx, for one, runs it in a child of its own CLI).
  return all.filter(isServer).at(-1) ?? null;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) : Number.NaN;
}

async function waitHealthy(url: string, child: ChildProcess, started: number): Promise<number> {
  while (performance.now() - started < HEALTHY_WITHIN_MS) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { ok?: boolean }).ok === true) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`not healthy within ${HEALTHY_WITHIN_MS} ms`);
}

async function startOnce(dataDir: string): Promise<Run> {
  const port = await freePort();
  let out = '';
  const started = performance.now();
  const child = spawn('sh', ['-c', START_CMD], {
    cwd: ROOT,
    detached: true, // its own process group: the signal reaches npm, the shell and the server
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
  });
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const healthyMs = await waitHealthy(`http://127.0.0.1:${port}/api/healthz`, child, started);
    const cpuMs = cpuMsOfTree(child.pid!);
    const pid = serverPid(child.pid!);
    if (pid === null) throw new Error('cannot find the server process');
    const rssAtHealthyMb = statusKb(pid, 'VmRSS') / 1024;
    await sleep(IDLE_MS);
    const idleRssMb = statusKb(pid, 'VmRSS') / 1024;
    const peakRssMb = statusKb(pid, 'VmHWM') / 1024;
    // The signal goes to the server itself, as a service manager's would; npm and the shell
    // above it are not part of the figure.
    const stopAt = performance.now();
    process.kill(pid, 'SIGTERM');
    while (fs.existsSync(`/proc/${pid}`) && performance.now() - stopAt < 15_000) await sleep(5);
    const shutdownMs = performance.now() - stopAt;
    try {
      process.kill(-child.pid!, 'SIGTERM'); // npm and the shell, when they are there
    } catch {
      // the shell exec'd the server (a BENCH_START_CMD without npm): the group is already gone
    }
    await Promise.race([exited, sleep(5_000)]);
    const log = phasesFrom(out);
    return {
      healthyMs,
      cpuMs,
      phases: log?.startupMs ?? null,
      rssSteps: log?.rssMb ?? null,
      cpuSteps: log?.cpuMsAt ?? null,
      rssAtHealthyMb,
      idleRssMb,
      peakRssMb,
      shutdownMs,
      lockRemoved: !fs.existsSync(path.join(dataDir, 'pglite.lock')),
    };
  } catch (err) {
    console.error(out.slice(-3000));
    throw err;
  } finally {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function phasesFrom(log: string): {
  startupMs?: Record<string, number>;
  rssMb?: Record<string, number>;
  cpuMsAt?: Record<string, number>;
} | null {
  for (const line of log.split('\n')) {
    if (!line.includes('ResolutionFlow is listening')) continue;
    try {
      return JSON.parse(line);
    } catch {
      // not a JSON line
    }
  }
  return null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number, unit: string, digits = 0) => `${n.toFixed(digits)} ${unit}`;

function summarise(name: string, runs: Run[], budgetMs: number) {
  const h = runs.map((r) => r.healthyMs);
  console.log(`\n${name} (${runs.length} runs)`);
  console.log(
    `  healthy after   median ${fmt(median(h), 'ms')}  min ${fmt(Math.min(...h), 'ms')}  max ${fmt(Math.max(...h), 'ms')}  budget ${budgetMs} ms: ${median(h) < budgetMs ? 'within' : 'OVER'}`,
  );
  const cpu = runs.map((r) => r.cpuMs);
  console.log(
    `  CPU time        median ${fmt(median(cpu), 'ms')}  (all processes of the start, until healthy)`,
  );
  const phaseNames = [...new Set(runs.flatMap((r) => Object.keys(r.phases ?? {})))];
  for (const p of phaseNames) {
    const xs = runs.map((r) => r.phases?.[p]).filter((x): x is number => typeof x === 'number');
    if (xs.length) console.log(`    ${p.padEnd(14)} median ${fmt(median(xs), 'ms')}`);
  }
  const cpuSteps = [...new Set(runs.flatMap((r) => Object.keys(r.cpuSteps ?? {})))];
  if (cpuSteps.length) {
    // Each step's own CPU time: the difference to the step before it.
    const parts = cpuSteps.map((k, i) => {
      const own = runs.map(
        (r) => (r.cpuSteps?.[k] ?? Number.NaN) - (i ? (r.cpuSteps?.[cpuSteps[i - 1]!] ?? 0) : 0),
      );
      return `${k} ${fmt(median(own), 'ms')}`;
    });
    console.log(`  server CPU by step (median): ${parts.join(', ')}`);
  }
  const steps = [...new Set(runs.flatMap((r) => Object.keys(r.rssSteps ?? {})))];
  if (steps.length) {
    const parts = steps.map(
      (k) => `${k} ${fmt(median(runs.map((r) => r.rssSteps?.[k] ?? Number.NaN)), 'MB')}`,
    );
    console.log(`  RSS after each step (median): ${parts.join(', ')}`);
  }
  console.log(`  RSS at healthy  median ${fmt(median(runs.map((r) => r.rssAtHealthyMb)), 'MB')}`);
  console.log(
    `  idle RSS        median ${fmt(median(runs.map((r) => r.idleRssMb)), 'MB')}  max ${fmt(Math.max(...runs.map((r) => r.idleRssMb)), 'MB')}  budget 300 MB`,
  );
  console.log(`  peak RSS        median ${fmt(median(runs.map((r) => r.peakRssMb)), 'MB')}`);
  console.log(
    `  SIGTERM → gone  median ${fmt(median(runs.map((r) => r.shutdownMs)), 'ms')}  max ${fmt(Math.max(...runs.map((r) => r.shutdownMs)), 'ms')}  lock removed: ${runs.filter((r) => r.lockRemoved).length}/${runs.length}`,
  );
}

/**
 * The assistant's knowledge index (the shipped playbooks validated with zod, tokenized, two BM25
 * indexes): loading the engine module and building the index, which the server does right after it
 * listens (or on the first request), measured here on its own, in a fresh process, after its
 * dependencies are loaded, each figure after a full GC.
 */
function knowledgeIndexCost() {
  const script = `
    const gc = globalThis.gc;
    const rss = () => { gc(); gc(); return process.memoryUsage().rss / 1048576; };
    await import('zod'); await import('./server/src/features/assistant/knowledge.ts');
    await import('./server/src/features/assistant/bm25.ts'); await import('./server/src/features/assistant/text.ts');
    await new Promise((r) => setTimeout(r, 500));
    const before = rss(); const c0 = process.cpuUsage();
    const engine = await import('./server/src/features/assistant/engine.ts');
    engine.warmShippedEngine();
    const c = process.cpuUsage(c0);
    await new Promise((r) => setTimeout(r, 500));
    console.log(JSON.stringify({ mb: rss() - before, cpuMs: (c.user + c.system) / 1000 }));
  `;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { mb: number; cpuMs: number };
}

async function main() {
  console.log(`Start-up benchmark: \`${START_CMD}\``);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-startup-'));
  try {
    const first: Run[] = [];
    let reused = '';
    for (let i = 0; i < FIRST_RUNS; i++) {
      const dir = path.join(tmp, `first-${i}`);
      first.push(await startOnce(dir));
      reused = dir;
    }
    const later: Run[] = [];
    for (let i = 0; i < LATER_RUNS; i++) later.push(await startOnce(reused));
    summarise('First start: empty DATA_DIR, demo seed included', first, 3000);
    summarise('Later starts: the same DATA_DIR again', later, 1500);
    const k = knowledgeIndexCost();
    if (k) {
      console.log(
        `\nThe assistant's knowledge index alone (built after listening): +${k.mb.toFixed(0)} MB RSS, ${k.cpuMs.toFixed(0)} ms CPU (engine module and index, after their dependencies; loaded with tsx)`,
      );
    }
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
