import type { TBaseline, TEscalationAnalytics, ZAnalyticsQuery, ZBaselineBody } from '@rf/contracts';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import { newId } from '../auth/tokens.js';
import * as handoffsRepo from '../handoffs/repo.js';
import { daysBetween, minutesRecovered, resolvePeriod } from './metrics.js';
import * as repo from './repo.js';

/**
 * Answers per database, per process: the queue's metric card is read by every open tab, and the
 * answer only changes when a handoff or a baseline does. An entry is valid while the account's
 * analytics version (newest event id, baselines) is unchanged, so it is never stale.
 */
const answers = new WeakMap<object, Map<string, { version: string; value: TEscalationAnalytics }>>();
const MAX_ANSWERS = 500;

export async function escalationAnalytics(
  deps: Deps,
  actor: AuthUser,
  q: z.output<typeof ZAnalyticsQuery>,
): Promise<TEscalationAnalytics> {
  const window = resolvePeriod(q, deps.clock());
  if ('error' in window) throw new AppError('invalid_input', 400, window.error, { field: window.field });
  let cache = answers.get(deps.db);
  if (!cache) {
    cache = new Map();
    answers.set(deps.db, cache);
  }
  const key = `${actor.accountId}|${window.from.toISOString()}|${window.to.toISOString()}|${q.compare}`;
  const version = await repo.analyticsVersion(deps.db.db, actor.accountId);
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.value;
  const value = await computeAnalytics(deps, actor.accountId, window.from, window.to, q.compare);
  if (cache.size >= MAX_ANSWERS) cache.delete(cache.keys().next().value!);
  cache.set(key, { version, value });
  return value;
}

async function computeAnalytics(
  deps: Deps,
  accountId: string,
  from: Date,
  to: Date,
  compare: boolean,
): Promise<TEscalationAnalytics> {
  const span = to.getTime() - from.getTime();
  const prevFrom = new Date(from.getTime() - span);
  const db = deps.db.db;
  const [current, previous, series, open, baseline] = await Promise.all([
    repo.periodSummary(db, accountId, from, to),
    compare ? repo.periodSummary(db, accountId, prevFrom, from) : null,
    repo.dailySeries(db, accountId, from, to),
    repo.openCount(db, accountId),
    repo.baselineSummary(db, accountId),
  ]);
  const byDate = new Map(series.map((s) => [s.date, s]));
  const recovered = minutesRecovered({
    baselineN: baseline.n,
    baselineMedianSeconds: baseline.medianSeconds,
    timeToFirstActionMedianSeconds: current.ttfaMedian,
    claimed: current.claimed,
    periodDays: span / 86_400_000,
  });
  const rate = (claimed: number, all: number) => (all === 0 ? null : claimed / all);
  return {
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
  if (body.handoffId && !(await handoffsRepo.findHandoff(deps.db.db, actor.accountId, body.handoffId))) {
    throw new AppError('invalid_input', 400, 'handoffId: no such escalation in your account', {
      field: 'handoffId',
    });
  }
  const b = await repo.insertBaseline(deps.db.db, {
    id: newId(),
    accountId: actor.accountId,
    durationSeconds: body.durationSeconds,
    measuredAt: new Date(body.measuredAt),
    handoffId: body.handoffId ?? null,
    note: body.note || null,
    recordedById: actor.id,
    createdAt: deps.clock(),
  });
  return presentBaseline({ b, recorderName: actor.name });
}

export async function listBaselines(deps: Deps, actor: AuthUser) {
  return (await repo.listBaselines(deps.db.db, actor.accountId)).map(presentBaseline);
}

export async function deleteBaseline(deps: Deps, actor: AuthUser, id: string) {
  if (!(await repo.deleteBaseline(deps.db.db, actor.accountId, id))) throw notFound('Baseline');
}
