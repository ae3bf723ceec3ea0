import { ZPasswordResetRequestBody } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useRequestPasswordReset } from '../../api/auth';
import { FormError } from '../../components/States';
import { useFieldErrors } from '../../lib/forms';
import { useTitle } from '../../lib/useTitle';
import { AuthShell } from './AuthShell';
import { SignInEmailField } from './SignInEmailField';
import './auth.css';

/** "Forgot password": asks for the address, then says what the server says for every address. */
export function ForgotPasswordPage() {
  useTitle('Reset your password');
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const request = useRequestPasswordReset();
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZPasswordResetRequestBody);
  const err = check.merged(request.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.validate({ email }, formRef.current)) return;
    request.mutate({ email });
  };

  return (
    <AuthShell>
      {request.isSuccess ? (
        <>
          <h1>Check your e-mail</h1>
          <p className="lede" role="status">
            {request.data.message}
          </p>
          <p className="muted auth-sent-to">
            You asked for <strong>{email}</strong>. Nothing there after a few minutes? Look in the junk
            folder, or{' '}
            <button type="button" className="link-button" onClick={() => request.reset()}>
              try another address
            </button>
            .
          </p>
          <Link className="btn btn-block" to="/signin">
            Back to sign in
          </Link>
        </>
      ) : (
        <>
          <h1>Reset your password</h1>
          <p className="lede">
            Enter the e-mail address you sign in with. We will send you a link to choose a new password.
          </p>
          <form ref={formRef} className="form-stack" onSubmit={onSubmit} noValidate>
            <SignInEmailField
              value={email}
              onChange={(e) => {
                check.clear('email');
                setEmail(e.target.value);
              }}
              error={err.fields.email}
            />
            <FormError message={err.general} />
            <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={request.isPending}>
              {request.isPending ? 'Sending…' : 'Send the link'}
            </button>
          </form>
          <p className="auth-foot">
            Remembered it? <Link to="/signin">Sign in</Link>
          </p>
        </>
      )}
    </AuthShell>
  );
}
