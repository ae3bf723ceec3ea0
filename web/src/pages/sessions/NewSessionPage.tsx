import { ZCreateSessionBody } from '@rf/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCreateSession } from '../../api/sessions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import './sessions.css';

const LIMITS = limitsOf(ZCreateSessionBody, ['title', 'problem', 'customer', 'asset'] as const);

const CATEGORIES = [
  'Network',
  'Email',
  'Identity & access',
  'Endpoint',
  'Printing',
  'Server',
  'Backup',
  'Security',
  'Other',
];

export function NewSessionPage() {
  useTitle('New session');
  const me = useCurrentUser();
  const create = useCreateSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ title: '', problem: '', customer: '', asset: '', category: '' });
  const formRef = useRef<HTMLFormElement>(null);
  const check = useFieldErrors(ZCreateSessionBody);
  const err = check.merged(create.error);
  const fieldError = (f: string) => err.fields[f] ?? null;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    check.clear(k);
    setForm((s) => ({ ...s, [k]: e.target.value }));
  };

  if (!isEngineerOrAdmin(me.user.role)) {
    return (
      <div className="page new-session">
        <h1>New session</h1>
        <p className="inline-alert inline-alert-info" style={{ marginTop: 'var(--space-4)' }}>
          Viewers can read sessions but not start them. Ask an admin for the engineer role.
        </p>
      </div>
    );
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      title: form.title,
      problem: form.problem,
      customer: form.customer || undefined,
      asset: form.asset || undefined,
      category: form.category || undefined,
    };
    if (!check.validate(body, formRef.current)) return;
    create.mutate(body, { onSuccess: (s) => navigate(`/sessions/${s.id}`) });
  };

  return (
    <div className="page new-session">
      <div className="page-header">
        <div>
          <h1>New FlowPilot session</h1>
          <p>Describe the problem. The assistant suggests first checks as soon as the session starts.</p>
        </div>
      </div>
      <form ref={formRef} className="panel" onSubmit={onSubmit} noValidate>
        <div className="panel-body form-stack">
          <Field
            label="Title"
            hint="One line, as you would title the ticket."
            error={fieldError('title')}
            maxLength={LIMITS.title}
            length={form.title.length}
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                name="title"
                placeholder="Outlook keeps asking for password"
                value={form.title}
                onChange={set('title')}
              />
            )}
          </Field>
          <Field
            label="Problem"
            hint="What the user reports, what changed, error messages."
            error={fieldError('problem')}
            maxLength={LIMITS.problem}
            length={form.problem.length}
          >
            {(ctl) => (
              <textarea
                {...ctl}
                className="textarea"
                name="problem"
                rows={5}
                placeholder="Since this morning Outlook on the user's laptop prompts for credentials every few minutes…"
                value={form.problem}
                onChange={set('problem')}
              />
            )}
          </Field>
          <div className="form-row">
            <Field label="Customer or site" error={fieldError('customer')} maxLength={LIMITS.customer}>
              {(ctl) => (
                <input
                  {...ctl}
                  className="input"
                  name="customer"
                  placeholder="Contoso Dental"
                  value={form.customer}
                  onChange={set('customer')}
                />
              )}
            </Field>
            <Field label="Asset" error={fieldError('asset')} maxLength={LIMITS.asset}>
              {(ctl) => (
                <input
                  {...ctl}
                  className="input mono"
                  name="asset"
                  placeholder="LT-0142"
                  value={form.asset}
                  onChange={set('asset')}
                />
              )}
            </Field>
            <Field label="Category" error={fieldError('category')}>
              {(ctl) => (
                <select
                  {...ctl}
                  className="select"
                  name="category"
                  value={form.category}
                  onChange={set('category')}
                >
                  <option value="">Not set</option>
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <FormError message={err.general} />
        </div>
        <div className="dialog-footer">
          <Link to="/sessions" className="btn">
            Cancel
          </Link>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? 'Starting…' : 'Start session'}
          </button>
        </div>
      </form>
    </div>
  );
}
