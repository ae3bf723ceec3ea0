import type { TOutboxMail } from '@rf/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMailOutbox } from '../../api/notifications';
import { Icon } from '../../components/Icon';
import { EmptyState, ErrorState, LoadingRows } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDateTime, formatRelative } from '../../lib/format';
import { isAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { NotFoundPage } from '../NotFoundPage';
import './notifications.css';
import './settings.css';

const INTENT_LABEL: Record<TOutboxMail['intent'], string> = {
  escalate: 'Escalation',
  reminder: 'Reminder',
  invitation: 'Invitation',
  password_reset: 'Password reset',
};

type View = 'html' | 'text' | 'source';
const VIEW_LABEL: Record<View, string> = { html: 'HTML', text: 'Plain text', source: 'Source' };

/**
 * Admins read the e-mail the server kept because no SMTP server is configured. A mail that holds a
 * sign-in link comes without its body for whoever may not hold that link; the page says so.
 */
export function MailOutboxPage() {
  const me = useCurrentUser();
  useTitle('Mail outbox');
  if (!isAdmin(me.user.role)) return <NotFoundPage what="page" />;
  return <MailOutbox />;
}

function MailOutbox() {
  const box = useMailOutbox();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [view, setView] = useState<View>('html');
  const mail = box.data?.mail ?? [];
  const selected = mail.find((m) => m.id === selectedId) ?? mail[0] ?? null;

  return (
    <div className="page mail-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/settings">
          <Icon name="arrowLeft" size={14} /> Settings
        </Link>
      </nav>
      <div className="page-header">
        <div>
          <h1>Mail outbox</h1>
          <p>
            E-mail exactly as it would be sent, kept here while no SMTP server is set up. An invitation holds
            a sign-in link, so only the person who sent it and the account's owners can open it here.
          </p>
        </div>
      </div>
      {box.data?.smtpConfigured ? (
        <div className="inline-alert inline-alert-info settings-section" role="note">
          An SMTP server is configured (SMTP_URL): new e-mail goes there. Below is only mail kept before.
        </div>
      ) : box.data ? (
        <div className="inline-alert settings-section" role="note">
          No SMTP server is configured, so nothing leaves this server. Set <code>SMTP_URL</code> to deliver
          e-mail for real.
        </div>
      ) : null}
      {box.isPending ? (
        <LoadingRows rows={4} height={64} label="Loading mail" />
      ) : box.isError ? (
        <ErrorState error={box.error} onRetry={() => void box.refetch()} />
      ) : mail.length === 0 ? (
        <div className="panel">
          <EmptyState icon="inbox" title="No mail yet">
            E-mail about escalations, reminders and invitations appears here as soon as it is sent.
          </EmptyState>
        </div>
      ) : (
        <div className="mail-layout">
          <section className="panel" aria-label="Messages">
            <div className="panel-header">
              <h2>Messages</h2>
              <span className="muted tabular">{mail.length}</span>
            </div>
            <ul className="mail-list">
              {mail.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className="mail-item"
                    aria-current={selected?.id === m.id ? 'true' : undefined}
                    onClick={() => setSelectedId(m.id)}
                  >
                    <span className="mail-item-subject">{m.subject}</span>
                    <span className="mail-item-meta">
                      <span>
                        {INTENT_LABEL[m.intent]}
                        {m.withheld ? ' (hidden)' : ''} · to {m.to}
                      </span>
                      <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
                        {formatRelative(m.createdAt)}
                      </time>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          {selected ? (
            <section className="panel mail-reader" aria-labelledby="mail-subject">
              <div className="panel-body">
                <h2 id="mail-subject">{selected.subject}</h2>
                <dl className="mail-headers">
                  <dt>From</dt>
                  <dd>{selected.from}</dd>
                  <dt>To</dt>
                  <dd>{selected.to}</dd>
                  <dt>Date</dt>
                  <dd>{formatDateTime(selected.createdAt)}</dd>
                  {selected.handoffId ? (
                    <>
                      <dt>About</dt>
                      <dd>
                        <Link to={`/handoffs/${selected.handoffId}`}>the escalation</Link>
                      </dd>
                    </>
                  ) : null}
                </dl>
                {selected.withheld ? (
                  <div className="inline-alert inline-alert-info mail-withheld" role="note">
                    {selected.withheld}
                  </div>
                ) : (
                  <>
                    <fieldset className="segmented mail-view-toggle">
                      <legend className="visually-hidden">Show the message as</legend>
                      {(Object.keys(VIEW_LABEL) as View[]).map((v) => (
                        <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
                          {VIEW_LABEL[v]}
                        </button>
                      ))}
                    </fieldset>
                    {view === 'html' ? (
                      // The message's own HTML, sandboxed: no scripts, no navigation, no access to the app.
                      <iframe
                        className="mail-frame"
                        title="HTML part of the e-mail"
                        sandbox=""
                        srcDoc={selected.html ?? ''}
                      />
                    ) : (
                      <pre
                        className="mail-source"
                        title={view === 'text' ? 'Plain-text part' : 'Message source'}
                      >
                        {view === 'text' ? selected.text : selected.raw}
                      </pre>
                    )}
                  </>
                )}
              </div>
            </section>
          ) : null}
        </div>
      )}
    </div>
  );
}
