/**
 * Assistant benchmark: quality (top-1 / top-3 cause accuracy over the labelled scenarios) and speed
 * (assessment time for a 50-step session). Run with `npm run bench:assistant` from the repo root.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  assessSession,
  createEngine,
  type EngineSession,
  type EngineTimelineEntry,
  type HistoryCase,
  rankCauses,
  shippedPlaybooks,
  suggestNextSteps,
} from '../server/src/features/assistant/engine.js';
import { loadPlaybooks, type Playbook } from '../server/src/features/assistant/knowledge.js';
import { loadLanguage } from '../server/src/features/assistant/language.js';
import {
  loadScenarios,
  measureAccuracy,
  scenarioSession,
} from '../server/src/features/assistant/scenarios.js';
import { useLanguage } from '../server/src/features/assistant/text.js';

const PLAYBOOKS = shippedPlaybooks();

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const STEP_TEXTS: Array<[string, EngineTimelineEntry['outcome']]> = [
  ['ipconfig /all shows DNS 192.168.1.1', 'failed'],
  ['flushed dns cache and retried', 'failed'],
  ['nslookup intranet against the DC times out', 'failed'],
  ['pinged the gateway fine', 'worked'],
  ['other users on the floor can browse', 'worked'],
  ['checked hosts file, empty', 'worked'],
  ['rebooted the laptop', 'failed'],
  ['nslookup microsoft.com 8.8.8.8 answers', 'worked'],
  ['checked forwarders on DC01', 'info'],
  ['swapped patch cable', 'failed'],
];

function fiftyStepSession(): EngineSession {
  const base = Date.UTC(2025, 0, 6, 9, 0, 0);
  const timeline: EngineTimelineEntry[] = [];
  for (let i = 0; i < 50; i++) {
    const [text, outcome] = STEP_TEXTS[i % STEP_TEXTS.length]!;
    timeline.push({
      id: `t${i}`,
      kind: i % 7 === 6 ? 'note' : 'step',
      text: `${text} (attempt ${Math.floor(i / STEP_TEXTS.length) + 1})`,
      outcome: i % 7 === 6 ? null : outcome,
      detail: i % 5 === 0 ? 'Request timed out after 2 seconds; server unknown' : null,
      at: new Date(base + i * 60_000).toISOString(),
    });
  }
  return {
    title: 'Websites and intranet not loading by name at Contoso',
    problem:
      'Several users at the Leeds office cannot open the intranet or external websites by name since this morning. Going to IP addresses works. DC01 was patched overnight.',
    customer: 'Contoso',
    asset: 'LEEDS-PC-014',
    category: 'Network',
    timeline,
  };
}

/** The shipped base replicated with renamed ids, to measure how the engine scales past the shipped size. */
function replicatedBase(copies: number): Playbook[] {
  const out: Playbook[] = [];
  for (let k = 0; k < copies; k++)
    for (const p of PLAYBOOKS)
      out.push({
        ...p,
        id: k === 0 ? p.id : `${p.id}-r${k}`,
        causes: p.causes.map((c) => ({
          ...c,
          id: k === 0 ? c.id : `${c.id}-r${k}`,
          checks: c.checks.map((ch) => ({ ...ch, id: k === 0 ? ch.id : `${ch.id}-r${k}` })),
        })),
      });
  return out;
}

/** Resolved cases of one account, as the history loader hands them to the engine. */
function history(n: number): HistoryCase[] {
  const sc = loadScenarios();
  return Array.from({ length: n }, (_, i) => {
    const s = sc[i % sc.length]!;
    return {
      sessionId: `case-${i}`,
      title: s.title,
      problem: s.problem,
      customer: `Customer ${i % 17}`,
      resolvedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      resolution: 'Fixed as the playbook says',
      fixStep: s.steps.at(-1)?.action ?? null,
      causeKey: `${s.expected.playbook}/${s.expected.cause}`,
    };
  });
}

function timeRuns(fn: () => void, runs: number): number[] {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b);
}

const scenarios = loadScenarios();
const acc = measureAccuracy(scenarios, rankCauses);

const session = fiftyStepSession();
const RUNS = 200;
// CPU time per call: the machine is shared, so wall-clock percentiles include time spent waiting for a core.
const cpuPerCall = (fn: () => void, runs: number) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / runs;
};
const withHistory = { ...session, history: history(200) };

/** Start-up as the server does it: language table, read + validate every file, index. Cold each run. */
function startup(dir?: string): { wall: number[]; cpu: number[]; engine: ReturnType<typeof createEngine> } {
  const wall: number[] = [];
  const cpu: number[] = [];
  let engine = createEngine(PLAYBOOKS);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    // Loading the language table again also empties the stem and token memos.
    useLanguage(loadLanguage());
    engine = createEngine(loadPlaybooks(dir));
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: wall.sort((x, y) => x - y), cpu: cpu.sort((x, y) => x - y), engine };
}

const fmt = (n: number) => `${(n * 100).toFixed(1)}%`;
const ms = (n: number) => `${n.toFixed(3)} ms`;
const causeTotal = (pbs: readonly Playbook[]) => pbs.reduce((n, p) => n + p.causes.length, 0);
console.log('Assistant benchmark (built-in engine)');
console.log(`machine: ${cpuModel()}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`playbooks: ${PLAYBOOKS.length}, causes: ${causeTotal(PLAYBOOKS)}, scenarios: ${acc.total}`);
console.log(`top-1 accuracy: ${fmt(acc.top1)} (${Math.round(acc.top1 * acc.total)}/${acc.total})`);
console.log(`top-3 accuracy: ${fmt(acc.top3)} (${Math.round(acc.top3 * acc.total)}/${acc.total})`);
for (const m of acc.misses)
  console.log(`  not top-1: ${m.id} expected ${m.expected}; got ${m.got.join(', ')}`);

// The shipped base, as the server loads it.
const real = startup();
console.log(
  `start-up in this process (read + validate + index the ${PLAYBOOKS.length} shipped files, memos emptied each run), 5 runs: median ${real.wall[2]!.toFixed(1)} ms wall, ${real.cpu[2]!.toFixed(1)} ms CPU; max ${real.wall[4]!.toFixed(1)} ms wall`,
);
// Cold, as a start pays it: a fresh process per run (bench/knowledge-load.ts) with the server's own
// V8 setting, reading the build's prepared index (what `npm start` does) or the playbook files.
function coldStartups(mode: 'prepared' | 'files') {
  const runs: Array<{ wallMs: number; cpuMs: number; loadMs: number; indexMs: number }> = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(
      process.execPath,
      ['--max-semi-space-size=8', '--import', 'tsx', join(import.meta.dirname, 'knowledge-load.ts'), mode],
      { cwd: import.meta.dirname, encoding: 'utf8' },
    );
    if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] };
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  const med = (k: 'wallMs' | 'cpuMs' | 'loadMs' | 'indexMs') =>
    runs.map((r) => r[k]).sort((a, b) => a - b)[2]!;
  return { wall: med('wallMs'), cpu: med('cpuMs'), load: med('loadMs'), index: med('indexMs') };
}
for (const mode of ['prepared', 'files'] as const) {
  const c = coldStartups(mode);
  console.log(
    'error' in c
      ? `cold start-up (${mode}): not measured: ${c.error} (run \`npm run build\` first)`
      : `cold start-up, ${mode === 'prepared' ? "the build's prepared index (as `npm start`)" : 'read + validate + index the files'}, 5 fresh processes: median ${c.cpu.toFixed(1)} ms CPU (load ${c.load.toFixed(1)}, index ${c.index.toFixed(1)}), ${c.wall.toFixed(1)} ms wall`,
  );
}
const times = timeRuns(() => assessSession(session), RUNS);
const suggestTimes = timeRuns(() => suggestNextSteps(session), RUNS);
const histTimes = timeRuns(() => assessSession(withHistory), RUNS);
console.log(
  `assessSession, 50-step session, ${RUNS} runs: median ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}, max ${ms(times[times.length - 1]!)}; CPU per call ${ms(cpuPerCall(() => assessSession(session), RUNS))}`,
);
console.log(
  `  ... with 200 resolved cases of the account: median ${ms(percentile(histTimes, 50))}, p99 ${ms(percentile(histTimes, 99))}; CPU per call ${ms(cpuPerCall(() => assessSession(withHistory), RUNS))}`,
);
console.log(
  `suggestNextSteps, 50-step session, ${RUNS} runs: median ${ms(percentile(suggestTimes, 50))}, p99 ${ms(percentile(suggestTimes, 99))}`,
);

// Optionally a larger base: the shipped playbooks written to files BENCH_COPIES times over.
const COPIES = Number(process.env.BENCH_COPIES ?? 0);
if (COPIES > 1) {
  const big = replicatedBase(COPIES);
  const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-playbooks-'));
  for (const p of big) writeFileSync(join(dir, `${p.id}.json`), JSON.stringify(p));
  const bigRun = startup(dir);
  rmSync(dir, { recursive: true, force: true });
  const bigTimes = timeRuns(() => bigRun.engine.assessSession(session), RUNS);
  console.log(
    `larger base: ${big.length} playbooks, ${causeTotal(big)} causes (the shipped base x${COPIES})`,
  );
  console.log(
    `  start-up, 5 cold runs: median ${bigRun.wall[2]!.toFixed(1)} ms wall, ${bigRun.cpu[2]!.toFixed(1)} ms CPU`,
  );
  console.log(
    `  assessSession: median ${ms(percentile(bigTimes, 50))}, p99 ${ms(percentile(bigTimes, 99))}; CPU per call ${ms(cpuPerCall(() => bigRun.engine.assessSession(session), RUNS))}`,
  );
}
console.log(
  `load average during the run: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
void scenarioSession;
