/**
 * Assistant benchmark: quality (top-1 / top-3 cause accuracy over the labelled scenarios) and speed
 * (assessment time for a 50-step session). Run with `npm run bench:assistant` from the repo root.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  assessSession,
  type EngineSession,
  type EngineTimelineEntry,
  PLAYBOOKS,
  rankCauses,
  suggestNextSteps,
} from '../server/src/features/assistant/engine.js';
import {
  loadScenarios,
  measureAccuracy,
  scenarioSession,
} from '../server/src/features/assistant/scenarios.js';

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
void scenarioSession;
