import type { TEscalationAnalytics } from '@rf/contracts';
import { formatDuration } from '../lib/format';
import './metrics.css';

export interface EscalationMetricCardProps {
  timeToFirstAction: TEscalationAnalytics['timeToFirstAction'];
  timeToClaim: TEscalationAnalytics['timeToClaim'];
  open: number;
  periodLabel?: string;
}

/**
 * The queue's headline: post-claim time-to-first-action (median large, p90 and n small),
 * open escalations, and median time-to-claim. Measured by the product — never mixed with
 * the manual stopwatch baseline.
 */
export function EscalationMetricCard({
  timeToFirstAction,
  timeToClaim,
  open,
  periodLabel = 'last 30 days',
}: EscalationMetricCardProps) {
  const empty = timeToFirstAction.n === 0;
  return (
    <section className="metric-card card" aria-labelledby="metric-card-title">
      <h2 id="metric-card-title" className="visually-hidden">
        Escalation metrics, {periodLabel}
      </h2>
      <div className="metric metric-primary">
        <div className="metric-label">Time to first action · median</div>
        {empty ? (
          <>
            <div className="metric-value metric-value-empty" data-testid="ttfa-median">
              —
            </div>
            <div className="metric-sub">
              No picked-up escalations with a first action in the {periodLabel} yet
            </div>
          </>
        ) : (
          <>
            <div className="metric-value tabular" data-testid="ttfa-median">
              {formatDuration(timeToFirstAction.median)}
            </div>
            <div className="metric-sub tabular">
              <span>
                p90 <strong data-testid="ttfa-p90">{formatDuration(timeToFirstAction.p90)}</strong>
              </span>
              <span>
                n <strong data-testid="ttfa-n">{timeToFirstAction.n}</strong>
              </span>
              <span>{periodLabel}</span>
            </div>
          </>
        )}
      </div>
      <div className="metric">
        <div className="metric-label">Open now</div>
        <div className="metric-value metric-value-md tabular" data-testid="open-count">
          {open}
        </div>
        <div className="metric-sub">{open === 1 ? 'escalation waiting' : 'escalations waiting'}</div>
      </div>
      <div className="metric">
        <div className="metric-label">Time to claim · median</div>
        <div className="metric-value metric-value-md tabular" data-testid="ttc-median">
          {formatDuration(timeToClaim.median)}
        </div>
        <div className="metric-sub tabular">p90 {formatDuration(timeToClaim.p90)}</div>
      </div>
    </section>
  );
}
