import type { TEscalationAnalytics } from '@rf/contracts';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Period, useEscalationAnalytics } from '../../api/analytics';
import { isApiError } from '../../api/client';
import { StatCard } from '../../components/StatCard';
import { ErrorState, Skeleton } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDuration, formatPercent } from '../../lib/format';
import { isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import './analytics.css';

const PERIODS: Period[] = ['7d', '30d', '90d'];
const PERIOD_LABEL: Record<Period, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

/** "+3 vs previous", with the tone saying whether that change is good. */
function delta(
  current: number | null,
  previous: number | null | undefined,
  kind: 'count' | 'duration' | 'ratio',
  lowerIsBetter: boolean,
): { text: string; tone: 'good' | 'bad' | 'neutral' } | null {
  if (current === null || previous === null || previous === undefined) return null;
  const diff = current - previous;
  if (Math.abs(diff) < 1e-9) return { text: 'No change vs previous period', tone: 'neutral' };
  const sign = diff > 0 ? '+' : '−';
  const abs = Math.abs(diff);
  const text =
    kind === 'count'
      ? `${sign}${abs}`
      : kind === 'ratio'
        ? `${sign}${Math.round(abs * 100)} pts`
        : `${sign}${formatDuration(abs)}`;
  const better = lowerIsBetter ? diff < 0 : diff > 0;
  return { text: `${text} vs previous`, tone: kind === 'count' ? 'neutral' : better ? 'good' : 'bad' };
}

export function EscalationAnalyticsPage() {
  useTitle('Escalation analytics');
  const me = useCurrentUser();
  const allowed = isEngineerOrAdmin(me.user.role);
  const [params, setParams] = useSearchParams();
  const raw = params.get('period');
  const period: Period = raw === '7d' || raw === '90d' ? raw : '30d';
  const analytics = useEscalationAnalytics(period, { enabled: allowed, compare: true });

  if (!allowed || isApiError(analytics.error, 403)) {
    return (
      <div className="page">
        <h1>Escalation analytics</h1>
        <p className="inline-alert inline-alert-info" style={{ marginTop: 'var(--space-4)' }}>
          Escalation metrics are available to engineers and admins.
        </p>
      </div>
    );
  }

  const a = analytics.data;
  return (
    <div className="page analytics-page">
      <div className="page-header">
        <div>
          <h1>Escalation analytics</h1>
          <p>How fast stuck technicians get help, measured by the product.</p>
        </div>
        <fieldset className="segmented">
          <legend className="visually-hidden">Period</legend>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={p === period}
              onClick={() => setParams({ period: p }, { replace: true })}
            >
              {p}
            </button>
          ))}
        </fieldset>
      </div>

      {analytics.isPending ? (
        <div className="stat-grid">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} height={96} />
          ))}
        </div>
      ) : analytics.isError ? (
        <ErrorState
          error={analytics.error}
          onRetry={() => void analytics.refetch()}
          title="Analytics could not be loaded"
        />
      ) : a ? (
        <>
          <div className="stat-grid">
            <StatCard
              label="Escalations"
              value={a.escalations}
              sub={`${a.claimed} picked up · ${a.open} open`}
              delta={delta(a.escalations, a.previous?.escalations, 'count', false)}
            />
            <StatCard
              label="Claim rate"
              value={formatPercent(a.claimRate)}
              delta={delta(a.claimRate, a.previous?.claimRate, 'ratio', false)}
            />
            <StatCard
              label="Time to first action · median"
              value={formatDuration(a.timeToFirstAction.median)}
              sub={`p90 ${formatDuration(a.timeToFirstAction.p90)} · n ${a.timeToFirstAction.n}`}
              delta={delta(a.timeToFirstAction.median, a.previous?.timeToFirstActionMedian, 'duration', true)}
            />
            <StatCard
              label="Time to claim · median"
              value={formatDuration(a.timeToClaim.median)}
              sub={`p90 ${formatDuration(a.timeToClaim.p90)}`}
              delta={delta(a.timeToClaim.median, a.previous?.timeToClaimMedian, 'duration', true)}
            />
          </div>

          <section className="panel chart-panel" aria-labelledby="chart-title">
            <div className="panel-header">
              <h2 id="chart-title">Escalations and time to first action per day</h2>
              <span className="muted">{PERIOD_LABEL[period]}</span>
            </div>
            <div className="panel-body">
              {/* The series always has a day per day of the period; it is empty of escalations, not of days. */}
              {a.escalations === 0 ? (
                <p className="muted">No escalations in this period.</p>
              ) : (
                <TrendChart series={a.series} />
              )}
            </div>
          </section>

          <section className="panel recovered-panel" aria-labelledby="recovered-title">
            <div className="panel-header">
              <h2 id="recovered-title">Minutes recovered per escalation</h2>
            </div>
            <div className="panel-body recovered-body">
              {a.minutesRecovered ? (
                <div className="recovered-figures">
                  <StatCard
                    label="Per escalation"
                    value={`${a.minutesRecovered.perEscalation.toFixed(1)} min`}
                    sub="median baseline − median time to first action"
                  />
                  <StatCard
                    label="Hours saved per week"
                    value={a.minutesRecovered.hoursPerWeek.toFixed(1)}
                    sub="at this period's claimed escalations"
                  />
                </div>
              ) : (
                <p className="inline-alert inline-alert-info">
                  {a.minutesRecoveredNote ?? 'Not enough stopwatch baselines yet to compare against.'}
                </p>
              )}
              <p className="muted baseline-line">
                Manual baseline (stopwatch-timed verbal handoffs): {a.baseline.n}{' '}
                {a.baseline.n === 1 ? 'measurement' : 'measurements'}
                {a.baseline.medianSeconds !== null
                  ? `, median ${formatDuration(a.baseline.medianSeconds)}`
                  : ''}
                . Baselines are never derived from the in-product metric.
              </p>
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}

/** Reads a token's computed value so the chart follows the theme. */
function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function TrendChart({ series }: { series: TEscalationAnalytics['series'] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const xs = series.map((d) => Date.parse(`${d.date.slice(0, 10)}T00:00:00Z`) / 1000);
    // Days without escalations draw no bar (a zero-height bar reads as a stray dash).
    const esc = series.map((d) => (d.escalations === 0 ? null : d.escalations));
    const ttfa = series.map((d) =>
      d.medianTimeToFirstAction === null ? null : d.medianTimeToFirstAction / 60,
    );
    const text = token('--text-muted');
    const grid = token('--border');
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height: 260,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      scales: {
        // Half a day of padding on each side so the first and last bars are not clipped.
        x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
        esc: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max))] },
        min: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.2))] },
      },
      axes: [
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          scale: 'esc',
          label: 'Escalations',
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
        },
        { scale: 'min', label: 'Minutes', side: 1, stroke: text, grid: { show: false } },
      ],
      series: [
        {},
        {
          label: 'Escalations',
          scale: 'esc',
          stroke: token('--urgency-high'),
          fill: token('--urgency-high-bg'),
          width: 2,
          paths: uPlot.paths.bars?.({ size: [0.6, 24] }),
          points: { show: false },
        },
        {
          label: 'Median time to first action (min)',
          scale: 'min',
          stroke: token('--accent'),
          width: 2,
          spanGaps: true,
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)} min`),
        },
      ],
    };
    const plot = new uPlot(opts, [xs, esc, ttfa], el);
    const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [series]);
  return (
    <div
      ref={ref}
      className="trend-chart"
      role="img"
      aria-label="Daily escalations as bars and median time to first action as a line"
    />
  );
}
