import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { UrgencyLabel } from './UrgencyLabel';

describe('UrgencyLabel', () => {
  it.each([
    ['low', 'Low'],
    ['normal', 'Normal'],
    ['high', 'High'],
    ['critical', 'Critical'],
  ] as const)('labels %s urgency with a word on its colour role', (urgency, word) => {
    const { container } = render(<UrgencyLabel urgency={urgency} />);
    const label = container.querySelector('[data-urgency]');
    expect(label?.getAttribute('data-urgency')).toBe(urgency);
    expect(label?.className).toContain(`urgency-${urgency}`);
    expect(label?.textContent).toBe(`${word} urgency`);
  });

  it('adds an icon only for high and critical so they stand out without colour', () => {
    const low = render(<UrgencyLabel urgency="low" />);
    expect(low.container.querySelector('svg')).toBeNull();
    low.unmount();
    const critical = render(<UrgencyLabel urgency="critical" />);
    expect(critical.container.querySelector('svg')).not.toBeNull();
  });
});
