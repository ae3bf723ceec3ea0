import { type TRole, type TUser, ZChangePasswordBody, ZInvitationBody, ZRole } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { usePsaConnection } from '../../api/psa';
import {
  useChangePassword,
  useInvite,
  usePatchUser,
  usePendingInvitations,
  useRemoveUser,
  useRevokeInvitation,
  useUsers,
} from '../../api/team';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { NewPasswordField } from '../../components/NewPasswordField';
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
      <PasswordSection />
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
  const remove = useRemoveUser();
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [removing, setRemoving] = useState<TUser | null>(null);

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
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
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
                    <td className="team-remove">
                      {self ? null : (
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          disabled={u.role === 'owner' && me.user.role !== 'owner'}
                          title={
                            u.role === 'owner' && me.user.role !== 'owner'
                              ? 'Only an owner can remove an owner'
                              : undefined
                          }
                          aria-label={`Remove ${u.name} from the team`}
                          onClick={() => {
                            remove.reset();
                            setRemoving(u);
                          }}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={removing ? `Remove ${removing.name}?` : 'Remove'}
        description={
          removing ? (
            <>
              <strong>{removing.email}</strong> is signed out at once and can no longer sign in to{' '}
              {me.account.name}. Escalations they picked up go back to the queue; their sessions, steps and
              notes stay, under their name.
            </>
          ) : null
        }
        onSubmit={() => {
          if (!removing) return;
          remove.mutate(removing.id, { onSuccess: () => setRemoving(null) });
        }}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setRemoving(null)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-danger" disabled={remove.isPending}>
              {remove.isPending ? 'Removing…' : 'Remove from the team'}
            </button>
          </>
        }
      >
        <FormError message={remove.error ? errorMessage(remove.error) : undefined} />
      </Dialog>
    </section>
  );
}

/** Everyone: change the password they sign in with; their other sign-ins end. */
function PasswordSection() {
  const change = useChangePassword();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZChangePasswordBody);
  const err = check.merged(change.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (!check.validate({ currentPassword, newPassword }, formRef.current)) return;
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrent('');
          setNew('');
          setDone(true);
        },
      },
    );
  };

  return (
    <section className="panel settings-section" aria-labelledby="password-title">
      <div className="panel-header">
        <h2 id="password-title">Password</h2>
      </div>
      <div className="panel-body form-stack">
        <form ref={formRef} className="password-form" onSubmit={submit} noValidate>
          <Field label="Current password" error={err.fields.currentPassword}>
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                type="password"
                autoComplete="current-password"
                value={currentPassword}
                onChange={(e) => {
                  check.clear('currentPassword');
                  setCurrent(e.target.value);
                }}
              />
            )}
          </Field>
          <NewPasswordField
            label="New password"
            value={newPassword}
            onChange={(e) => {
              check.clear('newPassword');
              setNew(e.target.value);
            }}
            error={err.fields.newPassword}
          />
          <button type="submit" className="btn btn-primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </form>
        <FormError message={err.general} />
        {done ? (
          <p className="muted" role="status">
            Password changed. Your other sign-ins were signed out; this one stays.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function Invitations() {
  const invite = useInvite();
  const revoke = useRevokeInvitation();
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
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  disabled={revoke.isPending}
                  aria-label={`Revoke the invitation for ${i.email}`}
                  onClick={() => revoke.mutate(i.id)}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
        <FormError message={revoke.error ? errorMessage(revoke.error) : undefined} />
      </div>
    </section>
  );
}
