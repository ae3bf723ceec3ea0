import type { TEscalationRow, TUrgency } from '@rf/contracts';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { StatusBadge } from '../../components/StatusBadge';
import { UrgencyLabel } from '../../components/UrgencyLabel';
import { formatDateTime, formatDuration } from '../../lib/format';

type SortKey =
  | 'createdAt'
  | 'customer'
  | 'title'
  | 'urgency'
  | 'escalatedBy'
  | 'claimedBy'
  | 'timeToClaim'
  | 'timeToFirstAction'
  | 'status';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const URGENCY_RANK: Record<TUrgency, number> = { low: 0, normal: 1, high: 2, critical: 3 };

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'createdAt', label: 'Created' },
  { key: 'customer', label: 'Customer' },
  { key: 'title', label: 'Title' },
  { key: 'urgency', label: 'Urgency' },
  { key: 'escalatedBy', label: 'Escalated by' },
  { key: 'claimedBy', label: 'Claimed by' },
  { key: 'timeToClaim', label: 'Time to claim', numeric: true },
  { key: 'timeToFirstAction', label: 'Time to first action', numeric: true },
  { key: 'status', label: 'Status' },
];

const value = (r: TEscalationRow, key: SortKey): string | number | null => {
  switch (key) {
    case 'createdAt':
      return r.createdAt;
    case 'customer':
      return r.customer;
    case 'title':
      return r.title;
    case 'urgency':
      return URGENCY_RANK[r.urgency];
    case 'escalatedBy':
      return r.escalatedBy.name;
    case 'claimedBy':
      return r.claimedBy?.name ?? null;
    case 'timeToClaim':
      return r.timeToClaimSeconds;
    case 'timeToFirstAction':
      return r.timeToFirstActionSeconds;
    case 'status':
      return r.status;
  }
};

/** Sorted copy; missing values (not claimed yet, no customer) go last in either direction. */
export function sortRows(rows: TEscalationRow[], sort: Sort): TEscalationRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a, sort.key);
    const y = value(b, sort.key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c === 0 ? b.createdAt.localeCompare(a.createdAt) : sign * c;
  });
}

/** The period's escalations; a row opens its handoff. */
// Phones show fewer rows at a time: each is a card there.
const defaultPageSize = () =>
  typeof window !== 'undefined' && window.matchMedia?.('(max-width: 720px)').matches ? 10 : 25;

export function EscalationsTable({
  rows,
  pageSize = defaultPageSize(),
}: {
  rows: TEscalationRow[];
  pageSize?: number;
}) {
  const [sort, setSort] = useState<Sort>({ key: 'createdAt', dir: 'desc' });
  const [shown, setShown] = useState(pageSize);
  const navigate = useNavigate();
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const left = sorted.length - shown;
  const by = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'createdAt' ? 'desc' : 'asc' },
    );

  return (
    <>
      <div className="table-sort-narrow">
        <label>
          <span className="field-label">Sort by</span>{' '}
          <select
            className="select compact"
            value={`${sort.key}:${sort.dir}`}
            onChange={(e) => {
              const [key, dir] = e.target.value.split(':') as [SortKey, Sort['dir']];
              setSort({ key, dir });
            }}
          >
            {COLUMNS.flatMap((c) => [
              <option key={`${c.key}:asc`} value={`${c.key}:asc`}>
                {c.label}{' '}
                {c.key === 'createdAt' ? '(oldest first)' : c.numeric ? '(shortest first)' : '(A–Z)'}
              </option>,
              <option key={`${c.key}:desc`} value={`${c.key}:desc`}>
                {c.label} {c.key === 'createdAt' ? '(newest first)' : c.numeric ? '(longest first)' : '(Z–A)'}
              </option>,
            ])}
          </select>
        </label>
      </div>
      <table className="esc-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                <button type="button" className="sort-button" onClick={() => by(c.key)}>
                  {c.label}
                  <span className="sort-mark" aria-hidden="true">
                    {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.slice(0, shown).map((r) => (
            <tr
              key={r.id}
              className="esc-row"
              data-testid="escalation-row"
              onClick={(e) => {
                // The title is the row's link; a click elsewhere on the row follows it too.
                if ((e.target as HTMLElement).closest('a')) return;
                navigate(`/handoffs/${encodeURIComponent(r.id)}`);
              }}
            >
              <td data-label="Created" className="esc-created" title={r.createdAt}>
                {formatDateTime(r.createdAt)}
              </td>
              <td data-label="Customer" dir="auto">
                {r.customer ?? <span className="muted">—</span>}
              </td>
              <td data-label="Title" className="esc-title">
                <Link to={`/handoffs/${encodeURIComponent(r.id)}`} dir="auto">
                  {r.title}
                </Link>
              </td>
              <td data-label="Urgency">
                <UrgencyLabel urgency={r.urgency} />
              </td>
              <td data-label="Escalated by">{r.escalatedBy.name}</td>
              <td data-label="Claimed by">{r.claimedBy?.name ?? <span className="muted">—</span>}</td>
              <td data-label="Time to claim" className="num tabular">
                {formatDuration(r.timeToClaimSeconds)}
              </td>
              <td data-label="Time to first action" className="num tabular">
                {formatDuration(r.timeToFirstActionSeconds)}
              </td>
              <td data-label="Status">
                <StatusBadge status={r.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {left > 0 ? (
        <div className="table-more">
          <button type="button" className="btn btn-sm" onClick={() => setShown((n) => n + pageSize * 4)}>
            Show {Math.min(left, pageSize * 4)} more
          </button>
          <span className="muted">
            {shown} of {sorted.length} shown, sorted by{' '}
            {COLUMNS.find((c) => c.key === sort.key)!.label.toLowerCase()}
          </span>
        </div>
      ) : null}
    </>
  );
}
