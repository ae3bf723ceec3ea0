import type { ReactNode } from 'react';
import './metrics.css';

/** A stat with an optional comparison to the previous period. */
export function StatCard({
  label,
  value,
  sub,
  delta,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  delta?: { text: string; tone: 'good' | 'bad' | 'neutral' } | null;
}) {
  return (
    <div className="stat-card card">
      <div className="metric-label">{label}</div>
      <div className="metric-value metric-value-md tabular">{value}</div>
      <div className="metric-sub">
        {delta ? <span className={`delta delta-${delta.tone}`}>{delta.text}</span> : null}
        {sub ? <span>{sub}</span> : null}
      </div>
    </div>
  );
}
