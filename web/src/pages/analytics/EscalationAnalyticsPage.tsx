import { EARLIEST_DATE, MIN_BASELINES, type TEscalationAnalytics, ZAnalyticsRangeQuery } from '@rf/contracts';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  type AnalyticsRange,
  escalationsCsvUrl,
  type Period,
  useEscalationAnalytics,
  useEscalationRows,
} from '../../api/analytics';
import { isApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { StatCard } from '../../components/StatCard';
import { EmptyState, ErrorState, LoadingRows, Skeleton } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDuration, formatPercent } from '../../lib/format';
import { isAdmin, isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { AnalyticsTabs } from './AnalyticsTabs';
import { EscalationsTable } from './EscalationsTable';
import { daysBefore, formatMinutes, formatPerWeek, formatUtcDay, lastDayOf, utcToday } from './format';
import { TrendChart } from './TrendChart';
import './analytics.css';

const PERIODS: Period[] = ['7d', '30d', '90d'];
const PERIOD_LABEL: Record<Period, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

/** The window the URL names: `?period=90d`, or `?from=2026-09-01&to=2026-09-30` (UTC days). */
export function rangeFromParams(p: URLSearchParams): AnalyticsRange {
  const from = p.get('from');
  const to = p.get('to');
  if (from || to) {
    const end = to ?? utcToday();
    return { from: from ?? daysBefore(end, 29), to: end };
  }
  const period = p.get('period');
  return { period: period === '7d' || period === '90d' ? period : '30d' };
}

/** What the window is called on screen; a custom range names its UTC days, from the URL itself. */
function rangeLabel(range: AnalyticsRange) {
  if ('period' in range) return PERIOD_LABEL[range.period];
  return range.from === range.to
    ? formatUtcDay(range.from)
    : `${formatUtcDay(range.from)} – ${formatUtcDay(range.to)}`;
}

/** "+3 vs previous", with the tone saying whether that change is good. */
function delta(
  current: number | null,
  previous: number | null | undefined,
  kind: 'count' | 'duration' | 'ratio',
  lowerIsBetter: boolean,
): { text: string; tone: 'good' | 'bad' | 'neutral' } | null {
  if (current === null || previous === null || previous === undefined) return null;
  // "+161 vs previous" says less than this when the previous window had nothing to compare with.
  if (kind === 'count' && previous === 0 && current > 0)
    return { text: 'None in the previous period', tone: 'neutral' };
  const diff = current - previous;
  if (Math.abs(diff) < 1e-9) return { text: 'Same as previous period', tone: 'neutral' };
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
  const range = rangeFromParams(params);
  const analytics = useEscalationAnalytics(range, { enabled: allowed, compare: true });
  const rows = useEscalationRows(range, { enabled: allowed && !analytics.isError });

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
  const empty = a !== undefined && a.escalations === 0;
  return (
    <div className="page analytics-page">
      <div className="page-header">
        <div>
          <h1>Escalation analytics</h1>
          <p>How fast stuck technicians get help, measured by the product.</p>
        </div>
        <AnalyticsTabs />
      </div>

      <RangePicker
        // A new window in the URL (a link, back/forward) resets the form to it.
        key={'period' in range ? range.period : `${range.from}..${range.to}`}
        range={range}
        shown={a}
        onPeriod={(p) => setParams({ period: p }, { replace: true })}
        onCustom={(from, to) => setParams({ from, to })}
      />

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
        <div
          className={analytics.isPlaceholderData ? 'is-refreshing' : undefined}
          aria-busy={analytics.isPlaceholderData}
        >
          <div className="stat-grid">
            <StatCard
              label="Escalations"
              value={a.escalations}
              sub={`${a.claimed} picked up · ${a.open} open now`}
              delta={
                empty && !a.previous?.escalations
                  ? null
                  : delta(a.escalations, a.previous?.escalations, 'count', false)
              }
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
              <span className="muted">{rangeLabel(range)}</span>
            </div>
            <div className="panel-body">
              {empty ? (
                <EmptyState icon="chart" title="No escalations in this period">
                  <p>
                    When a technician escalates a stuck session, it shows here: how soon someone picked it up
                    and how soon they acted.{' '}
                    {a.open > 0 ? (
                      <>
                        {a.open} {a.open === 1 ? 'escalation is' : 'escalations are'} waiting in the{' '}
                        <Link to="/queue">queue</Link> now.
                      </>
                    ) : (
                      <>
                        Start from a <Link to="/sessions/new">new session</Link> and use Escalate when you are
                        stuck
                        {'period' in range && range.period !== '90d' ? ', or look at a longer period' : ''}.
                      </>
                    )}
                  </p>
                </EmptyState>
              ) : (
                <TrendChart series={a.series} />
              )}
            </div>
          </section>

          <MinutesRecovered a={a} canRecord={isAdmin(me.user.role)} />

          <section className="panel table-panel" aria-labelledby="table-title">
            <div className="panel-header">
              <h2 id="table-title">Escalations in this period</h2>
              {a.escalations > 0 ? (
                <a className="btn btn-sm" href={escalationsCsvUrl(range)} download>
                  <Icon name="arrowUp" size={14} style={{ transform: 'rotate(180deg)' }} />
                  Download CSV
                </a>
              ) : null}
            </div>
            <div className="panel-body table-body">
              {rows.isPending ? (
                <LoadingRows rows={4} height={36} label="Loading escalations" />
              ) : rows.isError ? (
                <ErrorState
                  error={rows.error}
                  onRetry={() => void rows.refetch()}
                  title="Escalations could not be loaded"
                />
              ) : rows.data.total === 0 ? (
                <p className="muted table-empty">
                  Nothing was escalated{' '}
                  {'period' in range ? `in the ${PERIOD_LABEL[range.period].toLowerCase()}` : 'in this range'}
                  .
                </p>
              ) : (
                <>
                  {rows.data.total > rows.data.escalations.length ? (
                    <p className="muted table-note">
                      Showing the newest {rows.data.escalations.length.toLocaleString()} of{' '}
                      {rows.data.total.toLocaleString()}; the CSV has all of them.
                    </p>
                  ) : null}
                  <EscalationsTable rows={rows.data.escalations} />
                </>
              )}
            </div>
          </section>
        </div>
      ) : null}
    </div>
  );
}

function MinutesRecovered({ a, canRecord }: { a: TEscalationAnalytics; canRecord: boolean }) {
  const more = Math.max(0, MIN_BASELINES - a.baseline.n);
  const perWeek = a.minutesRecovered ? formatPerWeek(a.minutesRecovered.hoursPerWeek) : null;
  return (
    <section className="panel recovered-panel" aria-labelledby="recovered-title">
      <div className="panel-header">
        <h2 id="recovered-title">Minutes recovered per escalation</h2>
      </div>
      <div className="panel-body recovered-body">
        {a.minutesRecovered && perWeek ? (
          <div className="recovered-figures" data-testid="minutes-recovered">
            <StatCard
              label="Per escalation"
              value={formatMinutes(a.minutesRecovered.perEscalation)}
              sub="median baseline − median time to first action"
            />
            <StatCard
              label="Time saved per week"
              value={
                <>
                  {perWeek.value} <span className="unit">{perWeek.unit}</span>
                </>
              }
              sub="at this period's picked-up escalations per week"
            />
          </div>
        ) : more > 0 ? (
          <div className="inline-alert inline-alert-info recovered-needs" data-testid="baselines-needed">
            <p>
              Record {more} more stopwatch {more === 1 ? 'baseline' : 'baselines'} to see minutes recovered (
              {a.baseline.n} of {MIN_BASELINES}). A baseline is how long the old verbal handoff took, timed by
              a person.
            </p>
            <Link className="btn btn-sm" to="/analytics/stopwatch">
              <Icon name="clock" size={14} />
              {canRecord ? 'Open the stopwatch' : 'See the baselines'}
            </Link>
          </div>
        ) : (
          <p className="inline-alert inline-alert-info">
            {a.minutesRecoveredNote ?? 'Not enough measurements in this period yet.'}
          </p>
        )}
        <p className="muted baseline-line">
          Manual baseline (stopwatch-timed verbal handoffs): {a.baseline.n}{' '}
          {a.baseline.n === 1 ? 'measurement' : 'measurements'}
          {a.baseline.medianSeconds !== null ? `, median ${formatDuration(a.baseline.medianSeconds)}` : ''}.
          Baselines are never derived from the in-product metric.
        </p>
      </div>
    </section>
  );
}

function RangePicker({
  range,
  shown,
  onPeriod,
  onCustom,
}: {
  range: AnalyticsRange;
  shown: TEscalationAnalytics | undefined;
  onPeriod: (p: Period) => void;
  onCustom: (from: string, to: string) => void;
}) {
  const custom = !('period' in range);
  const [open, setOpen] = useState(custom);
  // The form starts from the window on screen, so "Custom" refines what you are looking at.
  const [from, setFrom] = useState(
    custom ? range.from : (shown?.period.from.slice(0, 10) ?? daysBefore(utcToday(), 29)),
  );
  const [to, setTo] = useState(custom ? range.to : shown ? lastDayOf(shown.period.to) : utcToday());
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  // The contract accepts dates up to a year from today (decision 012); the pickers say the same.
  const latestDay = daysBefore(utcToday(), -365);

  const apply = () => {
    const parsed = ZAnalyticsRangeQuery.safeParse({ from: from || undefined, to: to || undefined });
    const next: { from?: string; to?: string } = {};
    if (!from) next.from = 'Choose a start day';
    if (!to) next.to = 'Choose an end day';
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] === 'to' ? 'to' : 'from';
        next[field] ??=
          issue.message === 'must be before the end date'
            ? 'The start must be on or before the end'
            : issue.message.startsWith('must be a date')
              ? 'Enter a day as YYYY-MM-DD'
              : `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}`;
      }
    setErrors(next);
    if (Object.keys(next).length === 0) onCustom(from, to);
  };

  return (
    <div className="range-bar">
      <fieldset className="segmented">
        <legend className="visually-hidden">Period</legend>
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={!custom && range.period === p}
            onClick={() => {
              setOpen(false);
              setErrors({});
              onPeriod(p);
            }}
          >
            {p}
          </button>
        ))}
        <button type="button" aria-pressed={custom} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Custom
        </button>
      </fieldset>
      {open ? (
        <form
          className="range-form"
          aria-label="Custom range"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <Field label="From (UTC day)" error={errors.from ?? null}>
            {(ctl) => (
              <input
                {...ctl}
                type="date"
                className="input"
                value={from}
                min={EARLIEST_DATE}
                max={latestDay}
                onChange={(e) => setFrom(e.target.value)}
              />
            )}
          </Field>
          <Field label="To (UTC day, included)" error={errors.to ?? null}>
            {(ctl) => (
              <input
                {...ctl}
                type="date"
                className="input"
                value={to}
                min={EARLIEST_DATE}
                max={latestDay}
                onChange={(e) => setTo(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="btn btn-primary">
            Show
          </button>
        </form>
      ) : null}
      <span className="range-label muted" data-testid="range-label">
        {rangeLabel(range)}
        {custom ? ' (UTC days)' : ''}
      </span>
    </div>
  );
}
