import type { TPsaPost } from '@rf/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/client';
import {
  useLinkPsaTicket,
  usePsaPosts,
  usePsaTicket,
  useRetryPsaPost,
  useUnlinkPsaTicket,
} from '../../api/psa';
import { Icon } from '../../components/Icon';
import { ErrorState } from '../../components/States';
import { formatRelative } from '../../lib/format';
import { apiErrors } from '../../lib/forms';
import './psa.css';

/**
 * The session's ConnectWise ticket: link it by number (the ticket's summary, company and status
 * show that it is the right one), change or remove the link (the session's writers), and what
 * was sent to it with each post's status. Hidden while the account has no PSA connection.
 */
export function TicketPanel({ sessionId }: { sessionId: string }) {
  const ticket = usePsaTicket(sessionId);
  const [editing, setEditing] = useState(false);
  // Most accounts have no PSA: nothing is drawn until the answer says there is one (no skeleton
  // that would jump away). A failed read with nothing cached says so, with Retry.
  if (ticket.isPending) return null;
  if (ticket.isError && !ticket.data)
    return (
      <section className="panel ticket-panel" aria-label="ConnectWise ticket">
        <div className="panel-body">
          <ErrorState error={ticket.error} onRetry={() => void ticket.refetch()} />
        </div>
      </section>
    );
  const t = ticket.data;
  if (!t.connected && !t.link) return null;
  const link = t.link;
  return (
    <section className="panel ticket-panel" aria-labelledby="ticket-title">
      <div className="ticket-head">
        <h2 id="ticket-title" className="ticket-title">
          <Icon name="layers" size={16} /> ConnectWise ticket
        </h2>
        {link && t.canEdit && !editing ? (
          <div className="ticket-actions">
            {t.connected ? (
              <button type="button" className="btn btn-sm" onClick={() => setEditing(true)}>
                Change
              </button>
            ) : null}
            <UnlinkButton sessionId={sessionId} />
          </div>
        ) : null}
      </div>
      {link && !editing ? (
        <div className="ticket-body" data-testid="ticket-link">
          <div className="ticket-line">
            <strong className="ticket-number">#{link.ticketId}</strong>
            <span className="ticket-summary" dir="auto">
              {link.summary}
            </span>
          </div>
          <div className="meta-line ticket-meta">
            {link.company ? <span>{link.company}</span> : null}
            {link.status ? (
              <span className={link.company ? 'dot-sep' : ''}>Status when linked: {link.status}</span>
            ) : null}
            {link.board ? <span className="dot-sep">{link.board}</span> : null}
          </div>
        </div>
      ) : t.canEdit && t.connected ? (
        <LinkForm
          sessionId={sessionId}
          current={link?.ticketId ?? null}
          onDone={() => setEditing(false)}
          onCancel={link ? () => setEditing(false) : null}
        />
      ) : (
        <p className="muted ticket-body">No ticket linked.</p>
      )}
      <PostList sessionId={sessionId} />
    </section>
  );
}

function LinkForm({
  sessionId,
  current,
  onDone,
  onCancel,
}: {
  sessionId: string;
  current: number | null;
  onDone: () => void;
  onCancel: (() => void) | null;
}) {
  const link = useLinkPsaTicket(sessionId);
  const [value, setValue] = useState(current ? String(current) : '');
  const err = apiErrors(link.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(value.trim().replace(/^#/, ''));
    link.mutate(Number.isInteger(n) && n > 0 ? n : Number.NaN, { onSuccess: onDone });
  };
  const message = err.fields.ticketId ?? err.general;
  return (
    <form className="ticket-form" onSubmit={submit} noValidate>
      <label htmlFor="ticket-number">Ticket number</label>
      <div className="ticket-form-row">
        <input
          id="ticket-number"
          className="input tabular ticket-input"
          inputMode="numeric"
          autoComplete="off"
          placeholder="e.g. 4711"
          maxLength={12}
          value={value}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'ticket-error' : undefined}
          onChange={(e) => {
            link.reset();
            setValue(e.target.value);
          }}
        />
        <button type="submit" className="btn btn-primary" disabled={link.isPending || !value.trim()}>
          {link.isPending ? 'Looking it up…' : 'Link ticket'}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {message ? (
        <p id="ticket-error" className="field-error" role="alert">
          {/^[a-z]/.test(message) ? `The ticket number ${message}.` : message}
        </p>
      ) : null}
    </form>
  );
}

function UnlinkButton({ sessionId }: { sessionId: string }) {
  const unlink = useUnlinkPsaTicket(sessionId);
  return (
    <>
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        disabled={unlink.isPending}
        onClick={() => unlink.mutate()}
      >
        {unlink.isPending ? 'Removing…' : 'Remove'}
      </button>
      {unlink.error ? <span className="field-error">{errorMessage(unlink.error)}</span> : null}
    </>
  );
}

const STATUS_LABEL: Record<TPsaPost['status'], string> = {
  pending: 'Queued',
  sent: 'Posted',
  failed: 'Failed',
  skipped: 'Skipped',
};
const STATUS_CLASS: Record<TPsaPost['status'], string> = {
  pending: 'outcome-partial',
  sent: 'outcome-worked',
  failed: 'outcome-failed',
  skipped: '',
};

function PostList({ sessionId }: { sessionId: string }) {
  const posts = usePsaPosts(sessionId);
  const retry = useRetryPsaPost(sessionId);
  if (!posts.data || posts.data.posts.length === 0) return null;
  return (
    <div className="ticket-posts">
      <h3 className="ticket-posts-title">Sent to the ticket</h3>
      <ul className="ticket-post-list" aria-live="polite">
        {posts.data.posts.map((p) => (
          <li key={p.id} className="ticket-post" data-testid="psa-post" data-status={p.status}>
            <span className={`badge ${STATUS_CLASS[p.status]}`}>{STATUS_LABEL[p.status]}</span>
            <span className="ticket-post-label">{p.label}</span>
            <span className="muted ticket-post-when">
              {p.status === 'sent' && p.sentAt
                ? formatRelative(p.sentAt)
                : p.status === 'pending' && p.lastError
                  ? `attempt ${p.attempts} did not go through; trying again`
                  : p.status === 'pending' && p.attempts > 0
                    ? 'sending…'
                    : null}
            </span>
            {p.lastError && p.status !== 'sent' ? (
              <span className="ticket-post-error">{p.lastError}</span>
            ) : null}
            {p.status === 'failed' && posts.data.canRetry ? (
              <button
                type="button"
                className="btn btn-sm"
                disabled={retry.isPending}
                onClick={() => retry.mutate(p.id)}
              >
                <Icon name="refresh" size={14} /> Retry
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {retry.error ? <p className="field-error">{errorMessage(retry.error)}</p> : null}
    </div>
  );
}
