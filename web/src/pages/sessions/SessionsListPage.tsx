import type { TSessionSummary } from '@rf/contracts';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type SessionFilters, useSessions } from '../../api/sessions';
import { Icon } from '../../components/Icon';
import { ReconnectingNotice } from '../../components/Reconnecting';
import { EmptyState, ErrorState, LoadingRows } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatRelative, joinDot } from '../../lib/format';
import { isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import './sessions.css';

const STATUS_OPTIONS = [
  { value: '', label: 'All statuses' },
  { value: 'active', label: 'Active' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'resolved', label: 'Resolved' },
] as const;

export function SessionsListPage() {
  useTitle('Sessions');
  const me = useCurrentUser();
  const canRun = isEngineerOrAdmin(me.user.role);
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as '' | NonNullable<SessionFilters['status']>;
  const owner = params.get('owner') === 'me' ? 'me' : 'all';
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);

  // Debounce the text search into the URL so the list is shareable and back-button friendly.
  useEffect(() => {
    const t = setTimeout(() => {
      if (search === q) return;
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (search.trim()) next.set('q', search.trim());
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, 250);
    return () => clearTimeout(t);
  }, [search, q, setParams]);

  const setParam = (key: string, value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });

  const filters: SessionFilters = {
    status: status || undefined,
    owner: owner === 'me' ? 'me' : undefined,
    q: q || undefined,
  };
  const sessions = useSessions(filters);
  const filtered = Boolean(status || owner === 'me' || q);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Sessions</h1>
          <p>FlowPilot troubleshooting sessions across {me.account.name}.</p>
        </div>
        {canRun ? (
          <Link to="/sessions/new" className="btn btn-primary">
            <Icon name="plus" size={16} />
            New session
          </Link>
        ) : null}
      </div>

      <search className="filters">
        <div className="search-input">
          <Icon name="search" size={16} />
          <label htmlFor="session-search" className="visually-hidden">
            Search sessions
          </label>
          <input
            id="session-search"
            className="input"
            type="search"
            placeholder="Search title, problem, customer, asset"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <label htmlFor="status-filter" className="visually-hidden">
          Status
        </label>
        <select
          id="status-filter"
          className="select filter-select"
          value={status}
          onChange={(e) => setParam('status', e.target.value)}
        >
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <fieldset className="segmented">
          <legend className="visually-hidden">Owner</legend>
          <button type="button" aria-pressed={owner === 'all'} onClick={() => setParam('owner', '')}>
            All
          </button>
          <button type="button" aria-pressed={owner === 'me'} onClick={() => setParam('owner', 'me')}>
            Mine
          </button>
        </fieldset>
      </search>

      <ReconnectingNotice query={sessions} what="the sessions" />
      <section className="panel session-list-panel" aria-label="Session list" aria-busy={sessions.isFetching}>
        {sessions.isPending ? (
          <div className="panel-body">
            <LoadingRows rows={5} height={52} label="Loading sessions" />
          </div>
        ) : sessions.data === undefined ? (
          <div className="panel-body">
            <ErrorState
              error={sessions.error}
              onRetry={() => void sessions.refetch()}
              title="Sessions could not be loaded"
            />
          </div>
        ) : sessions.data.sessions.length === 0 ? (
          filtered ? (
            <EmptyState icon="search" title="No sessions match these filters">
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setSearch('');
                  setParams({});
                }}
              >
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState icon="layers" title="No sessions yet">
              {canRun ? (
                <p>
                  Start a FlowPilot session when a ticket needs troubleshooting.{' '}
                  <Link to="/sessions/new">New session</Link>
                </p>
              ) : (
                <p>Sessions your team runs will appear here.</p>
              )}
            </EmptyState>
          )
        ) : (
          <ul className="session-list">
            {sessions.data.sessions.map((s) => (
              <SessionRow key={s.id} session={s} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function SessionRow({ session: s }: { session: TSessionSummary }) {
  const where = joinDot(s.customer, s.asset);
  return (
    <li className="session-row">
      <div className="session-row-main">
        <Link to={`/sessions/${s.id}`} className="session-row-title" dir="auto">
          {s.title}
        </Link>
        <div className="meta-line">
          {where ? <span>{where}</span> : null}
          <span className={where ? 'dot-sep' : ''}>{s.owner.name}</span>
          <span className="dot-sep tabular">
            {s.stepCount} {s.stepCount === 1 ? 'step' : 'steps'}
          </span>
        </div>
      </div>
      <div className="session-row-side">
        <StatusBadge status={s.status} />
        <time className="muted tabular" dateTime={s.updatedAt} title={new Date(s.updatedAt).toLocaleString()}>
          {formatRelative(s.updatedAt)}
        </time>
      </div>
    </li>
  );
}
