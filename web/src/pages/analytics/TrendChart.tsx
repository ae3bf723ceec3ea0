import type { TEscalationAnalytics } from '@rf/contracts';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration } from '../../lib/format';
import { formatUtcDay } from './format';

type Series = TEscalationAnalytics['series'];

/** Reads a token's computed value so the chart follows the theme. */
function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Whole numbers only on the escalations axis: there is no half an escalation.
const COUNT_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
const MINUTE_INCRS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 240];

/**
 * Daily escalations (bars) and the median time to first action (line). The series' days are UTC
 * days, so the axis is drawn in UTC too: a browser west of UTC would otherwise label each bar with
 * the day before.
 */
export function TrendChart({ series }: { series: Series }) {
  const ref = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);

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
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      legend: { show: false },
      scales: {
        // Half a day of padding on each side so the first and last bars are not clipped.
        x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
        esc: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.15))] },
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
          incrs: COUNT_INCRS,
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
        {
          scale: 'min',
          label: 'Minutes',
          side: 1,
          stroke: text,
          grid: { show: false },
          incrs: MINUTE_INCRS,
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
      ],
      series: [
        { label: 'Day' },
        {
          label: 'Escalations',
          scale: 'esc',
          stroke: token('--urgency-high'),
          fill: token('--urgency-high'),
          alpha: 0.7,
          width: 1,
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
        },
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
      },
    };
    const plot = new uPlot(opts, [xs, esc, ttfa], el);
    const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [series]);

  const day = hover === null ? null : series[hover];
  return (
    <div className="trend">
      <div
        ref={ref}
        className="trend-chart"
        role="img"
        aria-label="Daily escalations as bars and median time to first action as a line, per UTC day"
      />
      <div className="trend-legend">
        <span className="trend-key">
          <span className="trend-swatch trend-swatch-bar" aria-hidden="true" />
          Escalations per day
        </span>
        <span className="trend-key">
          <span className="trend-swatch trend-swatch-line" aria-hidden="true" />
          Median time to first action (minutes)
        </span>
        <span className="trend-readout tabular" data-testid="chart-readout">
          {day
            ? `${formatUtcDay(day.date)}: ${day.escalations} ${day.escalations === 1 ? 'escalation' : 'escalations'}${
                day.medianTimeToFirstAction === null
                  ? ''
                  : ` · first action ${formatDuration(day.medianTimeToFirstAction)}`
              }`
            : 'Days are UTC days. Point at a day for its figures.'}
        </span>
      </div>
    </div>
  );
}
