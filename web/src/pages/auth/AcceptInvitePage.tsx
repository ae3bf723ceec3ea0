import { ZAcceptInvitationBody } from '@rf/contracts';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useAcceptInvitation, useInvitationLookup, useMe } from '../../api/auth';
import { isApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { NewPasswordField } from '../../components/NewPasswordField';
import { ErrorState, FormError, LoadingRows } from '../../components/States';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { ROLE_LABEL } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { AuthShell } from './AuthShell';
import './auth.css';

const LIMITS = limitsOf(ZAcceptInvitationBody, ['name', 'password'] as const);

export function AcceptInvitePage() {
  useTitle('Accept invitation');
  const { token = '' } = useParams();
  const me = useMe();
  const lookup = useInvitationLookup(token);
  const accept = useAcceptInvitation(token);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZAcceptInvitationBody);
  const err = check.merged(accept.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.validate({ name, password }, formRef.current)) return;
    accept.mutate({ name, password }, { onSuccess: () => navigate('/sessions', { replace: true }) });
  };

  let body: ReactNode;
  if (lookup.isPending) {
    body = <LoadingRows rows={3} height={36} label="Loading invitation" />;
  } else if (lookup.isError) {
    // 404: no such link; 410: used, expired, withdrawn or replaced by a newer one (the server says which).
    const gone = isApiError(lookup.error, 410);
    body =
      isApiError(lookup.error, 404) || gone ? (
        <>
          <h1>This invitation is no longer valid</h1>
          <p className="lede">
            {gone ? lookup.error.message : 'It may have been used already or have expired.'}
            {gone && /\bask\b/i.test(lookup.error.message)
              ? ''
              : ' Ask your admin for a new one if you still need it.'}
          </p>
          <Link className="btn" to="/signin">
            Go to sign in
          </Link>
        </>
      ) : (
        <ErrorState error={lookup.error} onRetry={() => void lookup.refetch()} />
      );
  } else {
    const { invitation, account } = lookup.data;
    body = (
      <>
        <h1>Join {account.name}</h1>
        <p className="lede">Set your name and a password to accept the invitation.</p>
        <div className="invite-summary">
          <div>
            <strong>{invitation.email}</strong>
          </div>
          <div className="muted">
            {ROLE_LABEL[invitation.role]} · Tier {invitation.tier}
          </div>
        </div>
        {me.data ? (
          <p className="inline-alert inline-alert-info" style={{ marginBottom: 'var(--space-4)' }}>
            You are signed in as {me.data.user.email}. Accepting signs you in as {invitation.email} instead.
          </p>
        ) : null}
        <form ref={formRef} className="form-stack" onSubmit={onSubmit} noValidate>
          <Field label="Your name" error={err.fields.name} maxLength={LIMITS.name}>
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                autoComplete="name"
                value={name}
                onChange={(e) => {
                  check.clear('name');
                  setName(e.target.value);
                }}
              />
            )}
          </Field>
          <NewPasswordField
            value={password}
            onChange={(e) => {
              check.clear('password');
              setPassword(e.target.value);
            }}
            error={err.fields.password}
            maxLength={LIMITS.password}
          />
          <FormError message={err.general} />
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={accept.isPending}>
            {accept.isPending ? 'Joining…' : `Join ${account.name}`}
          </button>
        </form>
      </>
    );
  }

  return <AuthShell>{body}</AuthShell>;
}
