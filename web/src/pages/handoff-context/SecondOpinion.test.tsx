import type { TLlmAssessment } from '@rf/contracts';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SecondOpinion } from './SecondOpinion';

const llm = (causes: Array<[string, number]>): TLlmAssessment => ({
  assessment: {
    engine: 'llm',
    likelyCauses: causes.map(([cause, confidence]) => ({ cause, confidence, evidence: [] })),
    ruledOut: [],
    gaps: [],
  },
  startHere: { action: 'Run `gpresult /h report.html` on the PC', why: 'Shows which policy won.' },
  addedAt: '2026-11-26T09:41:00.000Z',
});

describe('the second opinion on the handoff', () => {
  it('is labelled as the language model’s, with its top three causes and where it would start', () => {
    render(
      <SecondOpinion
        llm={llm([
          ['Stale Kerberos ticket', 0.61],
          ['Clock skew', 0.2],
          ['DNS points at the old DC', 0.1],
          ['A fourth, never shown', 0.05],
        ])}
      />,
    );
    const region = screen.getByRole('region', { name: /second opinion/i });
    expect(within(region).getByText(/language model/)).toBeTruthy();
    const items = within(region).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Stale Kerberos ticket 61%',
      'Clock skew 20%',
      'DNS points at the old DC 10%',
    ]);
    expect(within(region).getByText('gpresult /h report.html').tagName).toBe('CODE');
  });

  it('says so when the model names no cause', () => {
    render(<SecondOpinion llm={llm([])} />);
    expect(screen.getByText('It names no likely cause.')).toBeTruthy();
    expect(screen.queryByRole('listitem')).toBeNull();
  });
});
