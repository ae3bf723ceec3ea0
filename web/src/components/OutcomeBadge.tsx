import type { TOutcome } from '@rf/contracts';
import { Icon, type IconName } from './Icon';

export const OUTCOMES: readonly TOutcome[] = ['worked', 'failed', 'partial', 'info'];

export const OUTCOME_META: Record<TOutcome, { label: string; icon: IconName; description: string }> = {
  worked: { label: 'Worked', icon: 'check', description: 'The step fixed or confirmed something' },
  failed: { label: 'Failed', icon: 'x', description: 'The step did not help or showed a fault' },
  partial: { label: 'Partial', icon: 'partial', description: 'Some improvement, not fixed' },
  info: { label: 'Info', icon: 'info', description: 'Gathered information only' },
};

/** Outcome as icon + word + colour: never colour alone. */
export function OutcomeBadge({ outcome }: { outcome: TOutcome }) {
  const meta = OUTCOME_META[outcome];
  return (
    <span className={`badge outcome-${outcome}`} data-outcome={outcome}>
      <Icon name={meta.icon} size={12} strokeWidth={2.4} />
      {meta.label}
    </span>
  );
}
