/**
 * Long-tail blind benchmark: runs the built-in engine over a file of tickets written blind (without
 * looking at the playbooks) and scores the top-3 causes against labels kept in a separate file.
 *
 *   npm run bench:longtail -- bench/longtail/batch-a.json [labels.json]
 *
 * The labels file maps a ticket id to the acceptable causes as `playbookId/causeId`, or to
 * "none-in-base" when the knowledge base has no cause with the ticket's root cause. Unlabelled
 * tickets are listed so they can be labelled (by reading trueCause, never by looking at the ranking).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  assessSession,
  type EngineSession,
  type EngineTimelineEntry,
  rankCauses,
} from '../server/src/features/assistant/engine.js';

const ZOutcome = z.enum(['worked', 'failed', 'partial', 'info']);
const ZStep = z.union([
  z.string().transform((action) => ({ action, outcome: 'info' as const, detail: undefined })),
  z
    .object({
      action: z.string().optional(),
      text: z.string().optional(),
      outcome: ZOutcome.nullish(),
      result: z.string().optional(),
      detail: z.string().nullish(),
    })
    .transform((s) => ({
      action: s.action ?? s.text ?? '',
      outcome: s.outcome ?? 'info',
      detail: s.detail ?? s.result ?? undefined,
    })),
]);
const ZTicket = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    title: z.string(),
    problem: z.string().optional(),
    description: z.string().optional(),
    category: z.string().nullish(),
    customer: z.string().nullish(),
    steps: z.array(ZStep).default([]),
    notes: z.array(z.string()).default([]),
    trueCause: z.string(),
    acceptableCauses: z.array(z.string()).default([]),
  })
  .passthrough();
type Ticket = z.infer<typeof ZTicket>;

const ZLabels = z.record(z.string(), z.union([z.literal('none-in-base'), z.array(z.string()).min(1)]));

function loadTickets(path: string): Ticket[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const list = Array.isArray(raw) ? raw : (raw as { tickets?: unknown }).tickets;
  return z.array(ZTicket).parse(list);
}

function ticketSession(t: Ticket): EngineSession {
  const base = Date.UTC(2026, 0, 6, 9, 0, 0);
  const timeline: EngineTimelineEntry[] = [
    ...t.steps.map((st, i) => ({
      id: `${t.id}-s${i}`,
      kind: 'step' as const,
      text: st.action,
      outcome: st.outcome,
      detail: st.detail ?? null,
      at: new Date(base + (i + 1) * 300_000).toISOString(),
    })),
    ...t.notes.map((n, i) => ({
      id: `${t.id}-n${i}`,
      kind: 'note' as const,
      text: n,
      outcome: null,
      detail: null,
      at: new Date(base + (t.steps.length + i + 1) * 300_000).toISOString(),
    })),
  ];
  return {
    title: t.title,
    problem: t.problem ?? t.description ?? '',
    customer: t.customer ?? null,
    asset: null,
    category: t.category ?? null,
    timeline,
  };
}

// npm runs workspace scripts in bench/; paths given on the command line are relative to where it was typed.
const cwd = process.env.INIT_CWD ?? process.cwd();
const here = dirname(fileURLToPath(import.meta.url));
const ticketPath = process.argv[2] ? resolve(cwd, process.argv[2]) : resolve(here, 'longtail/batch-a.json');
const labelPath = process.argv[3]
  ? resolve(cwd, process.argv[3])
  : ticketPath.replace(/\.json$/, '.labels.json');
const tickets = loadTickets(ticketPath);
const labels = existsSync(labelPath) ? ZLabels.parse(JSON.parse(readFileSync(labelPath, 'utf8'))) : {};

let top1 = 0;
let top3 = 0;
let coverable = 0;
let unlabelled = 0;
for (const t of tickets) {
  const s = ticketSession(t);
  const ranked = rankCauses(s).slice(0, 3);
  const label = labels[t.id];
  const keys = ranked.map((c) => `${c.playbookId}/${c.causeId}`);
  let verdict: string;
  if (label === undefined) {
    unlabelled++;
    verdict = 'UNLABELLED';
  } else if (label === 'none-in-base') {
    verdict = 'miss (none in base)';
  } else {
    coverable++;
    const pos = keys.findIndex((k) => label.includes(k));
    if (pos === 0) top1++;
    if (pos >= 0) top3++;
    verdict = pos >= 0 ? `HIT @${pos + 1}` : 'miss';
  }
  const start = assessSession(s).startHere;
  console.log(`\n[${t.id}] ${t.title}  -> ${verdict}`);
  console.log(`  true cause: ${t.trueCause}`);
  for (const [i, c] of ranked.entries())
    console.log(`  ${i + 1}. ${c.playbookId}/${c.causeId} (${Math.round(c.confidence * 100)}%) ${c.name}`);
  if (ranked.length === 0) console.log('  (no cause ranked)');
  console.log(`  start here: ${start.action}`);
}

const n = tickets.length;
const pct = (k: number, d: number) => (d ? `${((100 * k) / d).toFixed(1)}%` : 'n/a');
console.log(`\nLong-tail benchmark: ${ticketPath}`);
console.log(`tickets: ${n}, labelled: ${n - unlabelled}, with a cause in the base: ${coverable}`);
console.log(
  `top-1: ${top1}/${n - unlabelled} = ${pct(top1, n - unlabelled)} (of coverable: ${pct(top1, coverable)})`,
);
console.log(
  `top-3: ${top3}/${n - unlabelled} = ${pct(top3, n - unlabelled)} (of coverable: ${pct(top3, coverable)})`,
);
