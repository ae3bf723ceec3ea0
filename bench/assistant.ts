/**
 * Assistant benchmark: quality (top-1 / top-3 cause accuracy over the labelled scenarios) and speed
 * (assessment time for a 50-step session). Run with `npm run bench:assistant` from the repo root.
 */
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
  PLAYBOOKS,
  rankCauses,
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

/** The shipped base replicated with renamed ids, to measure a base the size of the target (~200 playbooks). */
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
for (let i = 0; i < 20; i++) assessSession(session); // warm-up
const RUNS = 200;
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  assessSession(session);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const suggestTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  suggestNextSteps(session);
  suggestTimes.push(performance.now() - t0);
}
suggestTimes.sort((a, b) => a - b);

const fmt = (n: number) => `${(n * 100).toFixed(1)}%`;
console.log('Assistant benchmark (built-in engine)');
console.log(`machine: ${cpuModel()}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`playbooks: ${PLAYBOOKS.length}, scenarios: ${acc.total}`);
console.log(`top-1 accuracy: ${fmt(acc.top1)} (${Math.round(acc.top1 * acc.total)}/${acc.total})`);
console.log(`top-3 accuracy: ${fmt(acc.top3)} (${Math.round(acc.top3 * acc.total)}/${acc.total})`);
for (const m of acc.misses)
  console.log(`  not top-1: ${m.id} expected ${m.expected}; got ${m.got.join(', ')}`);
console.log(
  `assessSession, 50-step session, ${RUNS} runs: median ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times[times.length - 1]!.toFixed(3)} ms`,
);
console.log(
  `suggestNextSteps, 50-step session, ${RUNS} runs: median ${percentile(suggestTimes, 50).toFixed(3)} ms, p99 ${percentile(suggestTimes, 99).toFixed(3)} ms`,
);

// Larger base: the shipped playbooks written to files 6 times over (210 playbooks), then loaded,
// validated and indexed as at start-up; the same 50-step session assessed on it, with 200 cases.
const COPIES = Number(process.env.BENCH_COPIES ?? 6);
const big = replicatedBase(COPIES);
const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-playbooks-'));
for (const p of big) writeFileSync(join(dir, `${p.id}.json`), JSON.stringify(p));
const startups: number[] = [];
const startupCpu: number[] = [];
let bigEngine = createEngine(big);
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // Cold, as at start-up: the language table is loaded again, which also empties the stem memo.
  useLanguage(loadLanguage());
  bigEngine = createEngine(loadPlaybooks(dir));
  const c = process.cpuUsage(c0);
  startups.push(performance.now() - t0);
  startupCpu.push((c.user + c.system) / 1000);
}
startupCpu.sort((a, b) => a - b);
rmSync(dir, { recursive: true, force: true });
startups.sort((a, b) => a - b);
const causeCount = big.reduce((n, p) => n + p.causes.length, 0);
const bigTimes = timeRuns(() => bigEngine.assessSession(session), RUNS);
const withHistory = { ...session, history: history(200) };
const histTimes = timeRuns(() => bigEngine.assessSession(withHistory), RUNS);
console.log(
  `larger base: ${big.length} playbooks, ${causeCount} causes (the shipped base x${COPIES}, ids renamed)`,
);
console.log(
  `start-up (read + validate + index ${big.length} files), 5 runs: median ${percentile(startups, 50).toFixed(1)} ms wall, ${percentile(startupCpu, 50).toFixed(1)} ms CPU; max ${startups[startups.length - 1]!.toFixed(1)} ms wall`,
);
// CPU time per call: the machine is shared, so wall-clock percentiles include time spent waiting for a core.
const cpuPerCall = (fn: () => void, runs: number) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / runs;
};
console.log(
  `CPU per assessSession on the larger base: ${cpuPerCall(() => bigEngine.assessSession(session), RUNS).toFixed(3)} ms; with 200 cases: ${cpuPerCall(() => bigEngine.assessSession(withHistory), RUNS).toFixed(3)} ms`,
);
console.log(
  `load average during the run: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `assessSession on the larger base, 50-step session, ${RUNS} runs: median ${percentile(bigTimes, 50).toFixed(3)} ms, p99 ${percentile(bigTimes, 99).toFixed(3)} ms`,
);
console.log(
  `  ... with 200 resolved cases of the account: median ${percentile(histTimes, 50).toFixed(3)} ms, p99 ${percentile(histTimes, 99).toFixed(3)} ms`,
);
void scenarioSession;
