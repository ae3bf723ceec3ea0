import { type TRole, type TUser, ZInvitationBody, ZRole } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { usePsaConnection } from '../../api/psa';
import { useInvite, usePatchUser, usePendingInvitations, useUsers } from '../../api/team';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { ErrorState, FormError, LoadingRows, Skeleton } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDate } from '../../lib/format';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { isAdmin, ROLE_LABEL } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { AlertSettingsSection } from './AlertSettingsSection';
import { NotificationPreferencesSection } from './NotificationPreferencesSection';
import './settings.css';
import './integrations.css';

const ROLES = ZRole.options;
const TIERS = [1, 2, 3] as const;
const INVITE_LIMITS = limitsOf(ZInvitationBody, ['email'] as const);

export function SettingsPage() {
  const me = useCurrentUser();
  const admin = isAdmin(me.user.role);
  useTitle(admin ? 'Settings' : 'Notification preferences');
  return (
    <div className="page settings-page">
      <div className="page-header">
        <div>
          <h1>{admin ? 'Settings' : 'Notification preferences'}</h1>
          <p>
            {admin ? `Your preferences and the ${me.account.name} team.` : 'How ResolutionFlow reaches you.'}
          </p>
        </div>
      </div>
      <NotificationPreferencesSection />
      {admin ? (
        <>
          <AlertSettingsSection />
          <IntegrationsCard />
          <Team />
          <Invitations />
        </>
      ) : null}
    </div>
  );
}

/** Admins: where the PSA connection is (its own page, Settings → Integrations). */
function IntegrationsCard() {
  const conn = usePsaConnection();
  return (
    <section className="panel settings-section" aria-labelledby="integrations-title">
      <div className="panel-header">
        <h2 id="integrations-title">Integrations</h2>
      </div>
      <div className="panel-body integration-card">
        <div>
          <strong>ConnectWise PSA</strong>{' '}
          {conn.data ? (
            <span className={`badge ${conn.data.connected ? 'outcome-worked' : ''}`}>
              {conn.data.connected ? 'Connected' : 'Not connected'}
            </span>
          ) : null}
          <p className="muted">Post resolution and escalation notes, status and time to the linked ticket.</p>
        </div>
        <Link to="/settings/integrations" className="btn">
          <Icon name="layers" size={14} />
          {conn.data?.connected ? 'Manage' : 'Connect'}
        </Link>
      </div>
    </section>
  );
}

function Team() {
  const me = useCurrentUser();
  const users = useUsers();
  const patch = usePatchUser();
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);

  const change = (u: TUser, body: { role?: TRole; tier?: number }) => {
    setRowError(null);
    patch.mutate(
      { id: u.id, body },
      { onError: (err) => setRowError({ id: u.id, message: errorMessage(err) }) },
    );
  };

  return (
    <section className="panel settings-section" aria-labelledby="team-title">
      <div className="panel-header">
        <h2 id="team-title">Team</h2>
        {users.data ? <span className="muted">{users.data.length} people</span> : null}
      </div>
      {users.isPending ? (
        <div className="panel-body">
          <LoadingRows rows={3} height={40} label="Loading team" />
        </div>
      ) : users.isError ? (
        <div className="panel-body">
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table team-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Tier</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => {
                const self = u.id === me.user.id;
                return (
                  <tr key={u.id}>
                    <td>
                      <div className="user-cell">
                        <strong>
                          {u.name}
                          {self ? <span className="muted"> (you)</span> : null}
                        </strong>
                        <span className="muted">{u.email}</span>
                        {rowError?.id === u.id ? (
                          <span className="field-error">{rowError.message}</span>
                        ) : null}
                      </div>
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                        Role for {u.name}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        className="select compact-select"
                        value={u.role}
                        disabled={self || patch.isPending}
                        title={self ? 'You cannot change your own role' : undefined}
                        onChange={(e) => change(u, { role: e.target.value as TRole })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r} disabled={r === 'owner' && me.user.role !== 'owner'}>
                            {ROLE_LABEL[r]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`tier-${u.id}`}>
                        Tier for {u.name}
                      </label>
                      <select
                        id={`tier-${u.id}`}
                        className="select compact-select"
                        value={u.tier}
                        disabled={patch.isPending}
                        onChange={(e) => change(u, { tier: Number(e.target.value) })}
                      >
                        {TIERS.map((t) => (
                          <option key={t} value={t}>
                            Tier {t}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Invitations() {
  const invite = useInvite();
  const pending = usePendingInvitations();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TRole>('engineer');
  const [tier, setTier] = useState(1);
  const [copied, setCopied] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZInvitationBody);
  const err = check.merged(invite.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCopied(false);
    if (!check.validate({ email, role, tier }, formRef.current)) return;
    invite.mutate({ email, role, tier }, { onSuccess: () => setEmail('') });
  };

  const acceptUrl = invite.data ? new URL(invite.data.acceptUrl, window.location.origin).toString() : null;

  return (
    <section className="panel settings-section" aria-labelledby="invite-title">
      <div className="panel-header">
        <h2 id="invite-title">Invite a teammate</h2>
      </div>
      <div className="panel-body form-stack">
        <form ref={formRef} className="invite-form" onSubmit={submit} noValidate>
          <Field
            label="Email"
            error={err.fields.email}
            maxLength={INVITE_LIMITS.email}
            className="invite-email"
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                type="email"
                value={email}
                placeholder="alex@example.com"
                onChange={(e) => {
                  check.clear('email');
                  setEmail(e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Role" error={err.fields.role}>
            {(ctl) => (
              <select
                {...ctl}
                className="select"
                value={role}
                onChange={(e) => setRole(e.target.value as TRole)}
              >
                {ROLES.filter((r) => r !== 'owner').map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Tier" error={err.fields.tier}>
            {(ctl) => (
              <select
                {...ctl}
                className="select"
                value={tier}
                onChange={(e) => setTier(Number(e.target.value))}
              >
                {TIERS.map((t) => (
                  <option key={t} value={t}>
                    Tier {t}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="btn btn-primary invite-submit" disabled={invite.isPending}>
            {invite.isPending ? 'Inviting…' : 'Create invitation'}
          </button>
        </form>
        <FormError message={err.general} />
        {acceptUrl && invite.data ? (
          <div className="invite-result" role="status">
            <p>
              Invitation for <strong>{invite.data.invitation.email}</strong> created. Send them this link:
            </p>
            <div className="copy-row">
              <input
                className="input mono"
                readOnly
                value={acceptUrl}
                aria-label="Invitation link"
                onFocus={(e) => e.currentTarget.select()}
              />
              <button
                type="button"
                className="btn"
                onClick={() => {
                  void navigator.clipboard?.writeText(acceptUrl).then(() => setCopied(true));
                }}
              >
                <Icon name="copy" size={14} />
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </div>
        ) : null}

        <h3 className="section-title">Pending invitations</h3>
        {pending.isPending ? (
          <Skeleton height={36} />
        ) : pending.isError ? (
          <ErrorState error={pending.error} onRetry={() => void pending.refetch()} />
        ) : pending.data.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <ul className="pending-list">
            {pending.data.map((i) => (
              <li key={i.id}>
                <span>
                  <strong>{i.email}</strong>
                </span>
                <span className="muted">
                  {ROLE_LABEL[i.role]} · Tier {i.tier} · expires {formatDate(i.expiresAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
