import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { EscalationMetricCard } from './EscalationMetricCard';

describe('EscalationMetricCard', () => {
  it('shows the median time to first action large, with p90 and n beside it', () => {
    render(
      <EscalationMetricCard
        timeToFirstAction={{ median: 252, p90: 600, n: 14 }}
        timeToClaim={{ median: 95, p90: 300 }}
        open={3}
      />,
    );
    expect(screen.getByTestId('ttfa-median').textContent).toBe('4m 12s');
    expect(screen.getByTestId('ttfa-p90').textContent).toBe('10m');
    expect(screen.getByTestId('ttfa-n').textContent).toBe('14');
    expect(screen.getByTestId('open-count').textContent).toBe('3');
    expect(screen.getByTestId('ttc-median').textContent).toBe('1m 35s');
    expect(screen.getByText('escalations waiting')).toBeTruthy();
    const region = screen.getByRole('region', { name: /escalation metrics, last 30 days/i });
    expect(within(region).getByText(/time to first action/i)).toBeTruthy();
  });

  it('says honestly that there is no measurement yet when n is 0', () => {
    render(
      <EscalationMetricCard
        timeToFirstAction={{ median: null, p90: null, n: 0 }}
        timeToClaim={{ median: null, p90: null }}
        open={1}
      />,
    );
    expect(screen.getByTestId('ttfa-median').textContent).toBe('—');
    expect(screen.queryByTestId('ttfa-p90')).toBeNull();
    expect(screen.getByText(/no picked-up escalations with a first action/i)).toBeTruthy();
    expect(screen.getByTestId('ttc-median').textContent).toBe('—');
    expect(screen.getByText('escalation waiting')).toBeTruthy();
  });
});
