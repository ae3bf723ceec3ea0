import { ZSignupBody } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { useMe, useSignup } from '../../api/auth';
import { Field } from '../../components/Field';
import { NewPasswordField } from '../../components/NewPasswordField';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { useTitle } from '../../lib/useTitle';
import { AuthShell } from './AuthShell';
import './auth.css';
import { FormError } from '../../components/States';

const LIMITS = limitsOf(ZSignupBody, ['accountName', 'name', 'email', 'password'] as const);

export function SignUpPage() {
  useTitle('Create an account');
  const me = useMe();
  const signup = useSignup();
  const navigate = useNavigate();
  const [form, setForm] = useState({ accountName: '', name: '', email: '', password: '' });
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZSignupBody);
  if (me.data) return <Navigate to="/sessions" replace />;

  const err = check.merged(signup.error);
  const fieldError = (f: string) => err.fields[f] ?? null;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    check.clear(k);
    setForm((s) => ({ ...s, [k]: e.target.value }));
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.validate(form, formRef.current)) return;
    signup.mutate(form, { onSuccess: () => navigate('/sessions', { replace: true }) });
  };

  return (
    <AuthShell>
      <h1>Create your team's account</h1>
      <p className="lede">You will be its owner and can invite your technicians next.</p>
      <form ref={formRef} className="form-stack" onSubmit={onSubmit} noValidate>
        <Field label="Company or team name" error={fieldError('accountName')} maxLength={LIMITS.accountName}>
          {(ctl) => (
            <input
              {...ctl}
              className="input"
              name="accountName"
              autoComplete="organization"
              value={form.accountName}
              onChange={set('accountName')}
            />
          )}
        </Field>
        <Field label="Your name" error={fieldError('name')} maxLength={LIMITS.name}>
          {(ctl) => (
            <input
              {...ctl}
              className="input"
              name="name"
              autoComplete="name"
              value={form.name}
              onChange={set('name')}
            />
          )}
        </Field>
        <Field label="Work email" error={fieldError('email')} maxLength={LIMITS.email}>
          {(ctl) => (
            <input
              {...ctl}
              className="input"
              type="email"
              name="email"
              autoComplete="email"
              value={form.email}
              onChange={set('email')}
            />
          )}
        </Field>
        <NewPasswordField
          value={form.password}
          onChange={set('password')}
          error={fieldError('password')}
          maxLength={LIMITS.password}
        />
        <FormError message={err.general} />
        <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={signup.isPending}>
          {signup.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="auth-foot">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthShell>
  );
}
