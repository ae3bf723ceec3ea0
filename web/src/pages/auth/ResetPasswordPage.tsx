import { ZPasswordResetBody } from '@rf/contracts';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCompletePasswordReset, usePasswordResetLookup } from '../../api/auth';
import { isApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { NewPasswordField } from '../../components/NewPasswordField';
import { ErrorState, FormError, LoadingRows } from '../../components/States';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { useTitle } from '../../lib/useTitle';
import { AuthShell } from './AuthShell';
import './auth.css';

const LIMITS = limitsOf(ZPasswordResetBody, ['password'] as const);

function LinkGone() {
  return (
    <>
      <h1>This link no longer works</h1>
      <p className="lede">
        A password-reset link works once, for an hour, and only the newest one you asked for. Ask for a new
        one.
      </p>
      <Link className="btn btn-primary btn-block" to="/forgot-password">
        Send a new link
      </Link>
    </>
  );
}

/** The page a reset e-mail links to: choose a new password, then straight in. */
export function ResetPasswordPage() {
  useTitle('Choose a new password');
  const { token = '' } = useParams();
  const lookup = usePasswordResetLookup(token);
  const complete = useCompletePasswordReset(token);
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZPasswordResetBody);
  const err = check.merged(complete.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.validate({ password }, formRef.current)) return;
    if (password !== confirm) {
      setMismatch('The two passwords are not the same');
      formRef.current?.querySelector<HTMLInputElement>('input[name="confirm"]')?.focus();
      return;
    }
    complete.mutate(
      { password },
      {
        onSuccess: (signedIn) => navigate(signedIn ? '/sessions' : '/signin?reset=done', { replace: true }),
      },
    );
  };

  let body: ReactNode;
  if (lookup.isPending) {
    body = <LoadingRows rows={3} height={36} label="Checking the link" />;
  } else if (lookup.isError) {
    body =
      isApiError(lookup.error, 410) || isApiError(lookup.error, 404) ? (
        <LinkGone />
      ) : (
        <ErrorState error={lookup.error} onRetry={() => void lookup.refetch()} />
      );
  } else if (isApiError(complete.error, 410)) {
    body = <LinkGone />;
  } else {
    body = (
      <>
        <h1>Choose a new password</h1>
        <p className="lede">
          For <strong className="auth-email">{lookup.data.email}</strong>. Every device signed in with the old
          password is signed out.
        </p>
        <form ref={formRef} className="form-stack" onSubmit={onSubmit} noValidate>
          {/* Lets a password manager store the new password under the right account. */}
          <input
            type="email"
            name="username"
            autoComplete="username"
            value={lookup.data.email}
            readOnly
            hidden
          />
          <NewPasswordField
            label="New password"
            value={password}
            onChange={(e) => {
              check.clear('password');
              setPassword(e.target.value);
            }}
            error={err.fields.password}
            maxLength={LIMITS.password}
          />
          <Field label="New password, again" error={mismatch ?? undefined}>
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                type="password"
                name="confirm"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => {
                  setMismatch(null);
                  setConfirm(e.target.value);
                }}
              />
            )}
          </Field>
          <FormError message={err.general} />
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={complete.isPending}>
            {complete.isPending ? 'Saving…' : 'Save and sign in'}
          </button>
        </form>
      </>
    );
  }

  return <AuthShell>{body}</AuthShell>;
}
