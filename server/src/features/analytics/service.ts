import type {
  TBaseline,
  TEscalationAnalytics,
  TEscalationRow,
  TEscalationRowsResponse,
  ZAnalyticsQuery,
  ZBaselineBody,
} from '@rf/contracts';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { inSnapshot, inTransaction } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import { newId } from '../auth/tokens.js';
import * as handoffsRepo from '../handoffs/repo.js';
import { queueEvent } from '../live/events.js';
import { daysBetween, minutesRecovered, type PeriodQuery, resolvePeriod } from './metrics.js';
import * as repo from './repo.js';

/**
 * Answers per database, per process: the queue's metric card is read by every open tab, and the
 * answer only changes when a handoff or a baseline does. An entry is reused only while the
 * account's analytics version (its commit-ordered event number) is the one the entry was computed
 * at, and every figure of an entry comes from one snapshot that also read that version, so a
 * reused answer is never stale (docs/decisions/014-analytics-snapshot-and-scorecard.md).
 */
const answers = new WeakMap<object, Map<string, { version: number; value: TEscalationAnalytics }>>();
const MAX_ANSWERS = 500;

function resolveWindow(deps: Deps, q: PeriodQuery) {
  const window = resolvePeriod(q, deps.clock());
  if ('error' in window) throw new AppError('invalid_input', 400, window.error, { field: window.field });
  return window;
}

export async function escalationAnalytics(
  deps: Deps,
  actor: AuthUser,
  q: z.output<typeof ZAnalyticsQuery>,
): Promise<TEscalationAnalytics> {
  const window = resolveWindow(deps, q);
  let cache = answers.get(deps.db);
  if (!cache) {
    cache = new Map();
    answers.set(deps.db, cache);
  }
  const key = `${actor.accountId}|${window.from.toISOString()}|${window.to.toISOString()}|${q.compare}`;
  const hit = cache.get(key);
  if (hit && hit.version === (await repo.analyticsVersion(deps.db.db, actor.accountId))) return hit.value;
  const fresh = await inSnapshot(deps, (tx) =>
    computeAnalytics(tx, actor.accountId, window.from, window.to, q.compare),
  );
  cache.delete(key); // re-inserted last: the Map's order is the eviction order
  if (cache.size >= MAX_ANSWERS) cache.delete(cache.keys().next().value!);
  cache.set(key, fresh);
  return fresh.value;
}

/**
 * Reads the five figures (period, previous period, series, open, baselines) and the version they
 * belong to, in the caller's snapshot.
 */
async function computeAnalytics(
  db: DbOrTx,
  accountId: string,
  from: Date,
  to: Date,
  compare: boolean,
): Promise<{ version: number; value: TEscalationAnalytics }> {
  const span = to.getTime() - from.getTime();
  const { version, open, baseline } = await repo.accountState(db, accountId);
  // One after another: a transaction is one connection. (One statement with grouping sets or
  // FILTER clauses was slower than these three: bench/analytics-snapshot.ts.)
  const current = await repo.periodSummary(db, accountId, from, to);
  const previous = compare
    ? await repo.periodSummary(db, accountId, new Date(from.getTime() - span), from)
    : null;
  const series = await repo.dailySeries(db, accountId, from, to);
  const byDate = new Map(series.map((s) => [s.date, s]));
  const recovered = minutesRecovered({
    baselineN: baseline.n,
    baselineMedianSeconds: baseline.medianSeconds,
    timeToFirstActionMedianSeconds: current.ttfaMedian,
    claimed: current.claimed,
    periodDays: span / 86_400_000,
  });
  const rate = (claimed: number, all: number) => (all === 0 ? null : claimed / all);
  const value: TEscalationAnalytics = {
    period: { from: from.toISOString(), to: to.toISOString() },
    escalations: current.escalations,
    claimed: current.claimed,
    open,
    claimRate: rate(current.claimed, current.escalations),
    timeToClaim: { median: current.ttcMedian, p90: current.ttcP90 },
    timeToFirstAction: { median: current.ttfaMedian, p90: current.ttfaP90, n: current.ttfaN },
    series: daysBetween(from, to).map(
      (date) => byDate.get(date) ?? { date, escalations: 0, claimed: 0, medianTimeToFirstAction: null },
    ),
    baseline,
    minutesRecovered: recovered.value,
    minutesRecoveredNote: recovered.note,
    ...(previous && {
      previous: {
        escalations: previous.escalations,
        claimRate: rate(previous.claimed, previous.escalations),
        timeToFirstActionMedian: previous.ttfaMedian,
        timeToClaimMedian: previous.ttcMedian,
      },
    }),
  };
  return { version, value };
}

/** The table on the analytics page shows the newest rows; the CSV carries the whole period. */
export const TABLE_LIMIT = 1000;
export const CSV_LIMIT = 100_000;

const seconds = (a: Date | null, b: Date | null) =>
  a && b ? Math.max(0, (b.getTime() - a.getTime()) / 1000) : null;

export async function escalationRows(
  deps: Deps,
  actor: AuthUser,
  q: PeriodQuery,
  limit = TABLE_LIMIT,
): Promise<TEscalationRowsResponse> {
  const window = resolveWindow(deps, q);
  const { rows, total } = await inSnapshot(deps, async (tx) => ({
    rows: await repo.escalationRows(tx, actor.accountId, window.from, window.to, limit),
    total: await repo.countEscalations(tx, actor.accountId, window.from, window.to),
  }));
  return {
    period: { from: window.from.toISOString(), to: window.to.toISOString() },
    total,
    limit,
    escalations: rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      createdAt: r.createdAt.toISOString(),
      customer: r.customer,
      title: r.title,
      urgency: r.urgency,
      status: r.status,
      escalatedBy: { id: r.escalatedById, name: r.escalatedByName },
      claimedBy: r.claimedById && r.claimedByName ? { id: r.claimedById, name: r.claimedByName } : null,
      timeToClaimSeconds: seconds(r.createdAt, r.claimedAt),
      timeToFirstActionSeconds: seconds(r.claimedAt, r.firstActionAt),
    })),
  };
}

/** The period's escalations as CSV (RFC 4180), with the file name the download should get. */
export async function escalationsCsv(deps: Deps, actor: AuthUser, q: PeriodQuery) {
  const table = await escalationRows(deps, actor, q, CSV_LIMIT);
  const day = (iso: string) => iso.slice(0, 10);
  // The window is half-open: a period ending at midnight names the day before as its last day.
  const lastDay = day(new Date(Date.parse(table.period.to) - 1).toISOString());
  return {
    filename: `escalations-${day(table.period.from)}-to-${lastDay}.csv`,
    csv: toCsv(table.escalations),
  };
}

const CSV_HEADER = [
  'Created (UTC)',
  'Customer',
  'Title',
  'Urgency',
  'Escalated by',
  'Claimed by',
  'Time to claim (s)',
  'Time to first action (s)',
  'Status',
  'Handoff id',
];

/**
 * A spreadsheet opens this file: a cell starting with = + - @ (or a tab/CR) would run as a formula,
 * so such text is prefixed with a quote (OWASP's advice on CSV injection). Numbers stay numbers.
 */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(Math.round(v));
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: TEscalationRow[]): string {
  const lines = [CSV_HEADER.map(csvCell).join(',')];
  for (const r of rows)
    lines.push(
      [
        r.createdAt,
        r.customer,
        r.title,
        r.urgency,
        r.escalatedBy.name,
        r.claimedBy?.name ?? null,
        r.timeToClaimSeconds,
        r.timeToFirstActionSeconds,
        r.status,
        r.id,
      ]
        .map(csvCell)
        .join(','),
    );
  // A byte-order mark so that spreadsheet programs read the file as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const presentBaseline = (b: Awaited<ReturnType<typeof repo.listBaselines>>[number]): TBaseline => ({
  id: b.b.id,
  durationSeconds: b.b.durationSeconds,
  measuredAt: b.b.measuredAt.toISOString(),
  handoffId: b.b.handoffId,
  note: b.b.note,
  recordedBy: { id: b.b.recordedById, name: b.recorderName },
  createdAt: b.b.createdAt.toISOString(),
});

export async function recordBaseline(deps: Deps, actor: AuthUser, body: z.output<typeof ZBaselineBody>) {
  const now = deps.clock();
  // A stopwatch reading is taken, then saved: one from the future is a wrong clock or a typo.
  if (Date.parse(body.measuredAt) > now.getTime() + 5 * 60_000)
    throw new AppError('invalid_input', 400, 'Measured at must not be in the future', {
      field: 'measuredAt',
    });
  if (body.handoffId && !(await handoffsRepo.findHandoff(deps.db.db, actor.accountId, body.handoffId))) {
    throw new AppError('invalid_input', 400, 'handoffId: no such escalation in your account', {
      field: 'handoffId',
    });
  }
  const b = await inTransaction(deps, async (work) => {
    const row = await repo.insertBaseline(work.tx, {
      id: newId(),
      accountId: actor.accountId,
      durationSeconds: body.durationSeconds,
      measuredAt: new Date(body.measuredAt),
      handoffId: body.handoffId ?? null,
      note: body.note || null,
      recordedById: actor.id,
      createdAt: now,
    });
    // Bumps the account's event number in this transaction (last, decision 007): the analytics
    // version moves exactly when the baseline commits.
    queueEvent(work, actor.accountId, 'baseline.changed', {});
    return row;
  });
  return presentBaseline({ b, recorderName: actor.name });
}

export async function listBaselines(deps: Deps, actor: AuthUser) {
  return (await repo.listBaselines(deps.db.db, actor.accountId)).map(presentBaseline);
}

export async function deleteBaseline(deps: Deps, actor: AuthUser, id: string) {
  await inTransaction(deps, async (work) => {
    if (!(await repo.deleteBaseline(work.tx, actor.accountId, id))) throw notFound('Baseline');
    queueEvent(work, actor.accountId, 'baseline.changed', {});
  });
}
