import type { TEscalationRow } from '@rf/contracts';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { EscalationsTable, sortRows } from './EscalationsTable';

const row = (id: string, o: Partial<TEscalationRow> = {}): TEscalationRow => ({
  id,
  sessionId: `s-${id}`,
  createdAt: `2026-03-0${id}T10:00:00.000Z`,
  customer: 'Contoso Dental',
  title: `Case ${id}`,
  urgency: 'normal',
  status: 'resolved',
  escalatedBy: { id: 'j', name: 'Jamie Chen' },
  claimedBy: { id: 's', name: 'Sam Rivera' },
  timeToClaimSeconds: 60,
  timeToFirstActionSeconds: 120,
  ...o,
});

const rows = [
  row('1', { timeToFirstActionSeconds: 300, urgency: 'critical' }),
  row('2', { timeToFirstActionSeconds: null, claimedBy: null, timeToClaimSeconds: null, status: 'open' }),
  row('3', { timeToFirstActionSeconds: 45, urgency: 'low', customer: null }),
];

describe('the escalations table', () => {
  it('sorts either way, and keeps missing values last both ways', () => {
    const ids = (key: Parameters<typeof sortRows>[1]['key'], dir: 'asc' | 'desc') =>
      sortRows(rows, { key, dir }).map((r) => r.id);
    expect(ids('createdAt', 'desc')).toEqual(['3', '2', '1']);
    expect(ids('timeToFirstAction', 'asc')).toEqual(['3', '1', '2']);
    expect(ids('timeToFirstAction', 'desc')).toEqual(['1', '3', '2']);
    expect(ids('urgency', 'desc')).toEqual(['1', '2', '3']);
    expect(ids('customer', 'asc')).toEqual(['2', '1', '3']);
  });

  it('says which column it is sorted by, and a header click turns the order', () => {
    render(
      <MemoryRouter>
        <EscalationsTable rows={rows} />
      </MemoryRouter>,
    );
    const created = screen.getByRole('columnheader', { name: /Created/ });
    expect(created.getAttribute('aria-sort')).toBe('descending');
    const ttfa = screen.getByRole('columnheader', { name: /Time to first action/ });
    fireEvent.click(within(ttfa).getByRole('button'));
    expect(ttfa.getAttribute('aria-sort')).toBe('ascending');
    expect(created.getAttribute('aria-sort')).toBeNull();
    const titles = screen.getAllByRole('link').map((a) => a.textContent);
    expect(titles).toEqual(['Case 3', 'Case 1', 'Case 2']);
    // Each title links to its handoff.
    expect(screen.getByRole('link', { name: 'Case 2' }).getAttribute('href')).toBe('/handoffs/2');
  });

  it('shows a page of rows and offers the rest', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      row(String(i + 1), { createdAt: new Date(Date.UTC(2026, 2, 1, i)).toISOString() }),
    );
    render(
      <MemoryRouter>
        <EscalationsTable rows={many} pageSize={10} />
      </MemoryRouter>,
    );
    expect(screen.getAllByTestId('escalation-row')).toHaveLength(10);
    fireEvent.click(screen.getByRole('button', { name: 'Show 20 more' }));
    expect(screen.getAllByTestId('escalation-row')).toHaveLength(30);
  });
});
