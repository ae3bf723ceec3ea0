import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, OutcomeBadge } from './OutcomeBadge';

describe('OutcomeBadge', () => {
  it.each([
    ['worked', 'Worked'],
    ['failed', 'Failed'],
    ['partial', 'Partial'],
    ['info', 'Info'],
  ] as const)('shows %s as a word, an icon and its colour role', (outcome, word) => {
    const { container } = render(<OutcomeBadge outcome={outcome} />);
    const badge = screen.getByText(word);
    expect(badge.textContent).toBe(word);
    expect(badge.className).toContain(`outcome-${outcome}`);
    // never colour alone: an icon is drawn next to the word
    expect(container.querySelector('svg')).not.toBeNull();
  });

  it('offers exactly the four outcomes of the contract, in form order', () => {
    expect(OUTCOMES).toEqual(['worked', 'failed', 'partial', 'info']);
  });
});
