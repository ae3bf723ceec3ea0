import type { TUrgency } from '@rf/contracts';
import { Icon } from './Icon';

export const URGENCIES: readonly TUrgency[] = ['low', 'normal', 'high', 'critical'];

export const URGENCY_LABEL: Record<TUrgency, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  critical: 'Critical',
};

/** Urgency as a word (with an icon for high and critical) on its role colour. */
export function UrgencyLabel({ urgency }: { urgency: TUrgency }) {
  const loud = urgency === 'high' || urgency === 'critical';
  return (
    <span className={`badge urgency-label urgency-${urgency}`} data-urgency={urgency}>
      {loud ? <Icon name={urgency === 'critical' ? 'alert' : 'arrowUp'} size={12} strokeWidth={2.4} /> : null}
      {URGENCY_LABEL[urgency]}
      <span className="visually-hidden"> urgency</span>
    </span>
  );
}
