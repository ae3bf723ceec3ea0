import { ZLoginBody } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useDemoInfo, useLogin, useMe } from '../../api/auth';
import { Field } from '../../components/Field';
import { BrandMark } from '../../layout/BrandMark';
import { useFieldErrors } from '../../lib/forms';
import { ROLE_LABEL } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { SignInEmailField } from './SignInEmailField';
import './auth.css';
import { FormError } from '../../components/States';

/** Only same-app paths are followed after sign-in. */
export function safeFrom(from: string | null): string {
  return from?.startsWith('/') && !from.startsWith('//') ? from : '/sessions';
}

export function SignInPage() {
  useTitle('Sign in');
  const me = useMe();
  const demo = useDemoInfo();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const from = safeFrom(params.get('from'));
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZLoginBody);

  if (me.data) return <Navigate to={from} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.validate({ email, password }, formRef.current)) return;
    login.mutate({ email, password }, { onSuccess: () => navigate(from, { replace: true }) });
  };
  const err = check.merged(login.error);

  return (
    <div className="auth-page">
      <div className="auth-brand">
        <BrandMark withName />
      </div>
      <main className="auth-card card">
        <h1>Sign in</h1>
        <p className="lede">Pick up where your team left off.</p>
        {params.get('reset') === 'done' ? (
          <p
            className="inline-alert inline-alert-info"
            role="status"
            style={{ marginBottom: 'var(--space-4)' }}
          >
            Your password is changed. Sign in with the new one.
          </p>
        ) : null}
        <form ref={formRef} className="form-stack" onSubmit={onSubmit} noValidate>
          <SignInEmailField
            value={email}
            onChange={(e) => {
              check.clear('email');
              setEmail(e.target.value);
            }}
            error={err.fields.email}
          />
          <Field
            label="Password"
            error={err.fields.password}
            hint={
              <Link to={email ? `/forgot-password?email=${encodeURIComponent(email)}` : '/forgot-password'}>
                Forgot password?
              </Link>
            }
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => {
                  check.clear('password');
                  setPassword(e.target.value);
                }}
              />
            )}
          </Field>
          <FormError message={err.general} />
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="auth-foot">
          New to ResolutionFlow? <Link to="/signup">Create an account</Link>
        </p>
      </main>
      {demo.data?.demo && demo.data.signIns.length > 0 ? (
        <section className="demo-box" aria-labelledby="demo-title">
          <h2 id="demo-title">Demo sign-ins</h2>
          <p>This is a demo install. Choose a person to fill in their sign-in.</p>
          <div className="demo-list">
            {demo.data.signIns.map((s) => (
              <button
                key={s.email}
                type="button"
                className="demo-signin"
                onClick={() => {
                  setEmail(s.email);
                  setPassword(s.password);
                  login.reset();
                  check.reset();
                }}
              >
                <strong>{s.name}</strong>
                <span>
                  {ROLE_LABEL[s.role]}
                  {s.role !== 'viewer' ? ` · Tier ${s.tier}` : ''}
                </span>
              </button>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}
