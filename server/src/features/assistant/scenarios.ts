/** Loader for the labelled scenarios fixture (shared by tests and the benchmark). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { EngineSession, EngineTimelineEntry } from './engine.js';

const ZScenario = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    problem: z.string().min(1),
    category: z.string().nullable(),
    steps: z.array(
      z
        .object({
          action: z.string().min(1),
          outcome: z.enum(['worked', 'failed', 'partial', 'info']),
          detail: z.string().optional(),
        })
        .strict(),
    ),
    expected: z.object({ playbook: z.string().min(1), cause: z.string().min(1) }).strict(),
  })
  .strict();
export type Scenario = z.infer<typeof ZScenario>;

export function loadScenarios(): Scenario[] {
  const raw = JSON.parse(
    readFileSync(new URL('./scenarios.fixture.json', import.meta.url), 'utf8'),
  ) as unknown;
  return z.object({ scenarios: z.array(ZScenario).min(1) }).parse(raw).scenarios;
}

export function scenarioSession(sc: Scenario): EngineSession {
  const base = Date.UTC(2025, 0, 6, 9, 0, 0);
  const timeline: EngineTimelineEntry[] = sc.steps.map((st, i) => ({
    id: `${sc.id}-step-${i + 1}`,
    kind: 'step',
    text: st.action,
    outcome: st.outcome,
    detail: st.detail ?? null,
    at: new Date(base + (i + 1) * 5 * 60_000).toISOString(),
  }));
  return {
    title: sc.title,
    problem: sc.problem,
    customer: null,
    asset: null,
    category: sc.category,
    timeline,
  };
}

export interface Accuracy {
  total: number;
  top1: number;
  top3: number;
  misses: Array<{ id: string; expected: string; got: string[] }>;
}

export function measureAccuracy(
  scenarios: Scenario[],
  rank: (s: EngineSession) => Array<{ playbookId: string; causeId: string }>,
): Accuracy {
  let top1 = 0;
  let top3 = 0;
  const misses: Accuracy['misses'] = [];
  for (const sc of scenarios) {
    const ranked = rank(scenarioSession(sc)).map((c) => `${c.playbookId}/${c.causeId}`);
    const want = `${sc.expected.playbook}/${sc.expected.cause}`;
    const pos = ranked.indexOf(want);
    if (pos === 0) top1++;
    if (pos >= 0 && pos < 3) top3++;
    if (pos !== 0) misses.push({ id: sc.id, expected: want, got: ranked.slice(0, 3) });
  }
  return { total: scenarios.length, top1: top1 / scenarios.length, top3: top3 / scenarios.length, misses };
}
