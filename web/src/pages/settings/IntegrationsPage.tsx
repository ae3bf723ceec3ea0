import type { TPsaMemberMapping, TPsaTestResult } from '@rf/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import {
  useDeletePsaConnection,
  usePsaConnection,
  usePsaMembers,
  useSavePsaConnection,
  useSetPsaMember,
  useTestPsaConnection,
} from '../../api/psa';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { ErrorState, FormError, LoadingRows, Skeleton } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDate } from '../../lib/format';
import { apiErrors } from '../../lib/forms';
import { isAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import './settings.css';
import './integrations.css';

/** Settings → Integrations (admins): the ConnectWise PSA connection and the member mapping. */
export function IntegrationsPage() {
  const me = useCurrentUser();
  useTitle('Integrations');
  if (!isAdmin(me.user.role))
    return (
      <div className="page settings-page">
        <div className="page-header">
          <h1>Integrations</h1>
        </div>
        <div className="inline-alert inline-alert-error">Only admins manage integrations.</div>
      </div>
    );
  return (
    <div className="page settings-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/settings">
          <Icon name="arrowLeft" size={14} /> Settings
        </Link>
      </nav>
      <div className="page-header">
        <div>
          <h1>Integrations</h1>
          <p>Post the session’s notes, status and time to the customer’s ticket in your PSA.</p>
        </div>
      </div>
      <ConnectWiseSection />
    </div>
  );
}

function ConnectWiseSection() {
  const conn = usePsaConnection();
  const save = useSavePsaConnection();
  const test = useTestPsaConnection();
  const remove = useDeletePsaConnection();
  const [site, setSite] = useState('');
  const [company, setCompany] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);

  useEffect(() => {
    if (conn.data && !loaded) {
      setSite(conn.data.siteUrl ?? '');
      setCompany(conn.data.companyId ?? '');
      setLoaded(true);
    }
  }, [conn.data, loaded]);

  const saveErr = apiErrors(save.error);
  const body = () => ({
    siteUrl: site.trim(),
    companyId: company.trim(),
    ...(publicKey.trim() ? { publicKey: publicKey.trim() } : {}),
    ...(privateKey.trim() ? { privateKey: privateKey.trim() } : {}),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    test.reset();
    save.mutate(body(), {
      onSuccess: () => {
        setPublicKey('');
        setPrivateKey('');
        // Saving tests at once: the admin sees whether it works without a second click.
        test.mutate({});
      },
    });
  };
  const runTest = () => {
    save.reset();
    const b = body();
    test.mutate(b.siteUrl || b.companyId ? b : {});
  };

  const saved = conn.data?.connected ?? false;
  return (
    <section className="panel settings-section" aria-labelledby="cw-title">
      <div className="panel-header">
        <h2 id="cw-title">ConnectWise PSA</h2>
        {conn.data ? (
          <span className={`badge ${saved ? 'outcome-worked' : ''}`} data-testid="cw-state">
            {saved ? 'Connected' : 'Not connected'}
          </span>
        ) : null}
      </div>
      <div className="panel-body">
        {conn.isPending ? (
          <Skeleton height={260} />
        ) : conn.isError ? (
          <ErrorState error={conn.error} onRetry={() => void conn.refetch()} />
        ) : (
          <form className="form-stack cw-form" onSubmit={submit} noValidate aria-describedby="cw-help">
            <p id="cw-help" className="muted cw-help">
              Create an API member in ConnectWise (System → Members → API Members) with Service Desk and Time
              Entry access, and generate its API keys. The keys are stored encrypted and are never shown
              again.
            </p>
            {!conn.data.clientIdConfigured ? (
              <div className="inline-alert inline-alert-error" role="note">
                <Icon name="alert" size={14} /> The server has no ConnectWise clientId yet: set{' '}
                <code>CW_CLIENT_ID</code> in its configuration and restart it.
              </div>
            ) : null}
            <div className="cw-grid">
              <Field
                label="Site"
                hint="The address you sign in at, e.g. na.myconnectwise.net"
                error={saveErr.fields.siteUrl}
              >
                {(ctl) => (
                  <input
                    {...ctl}
                    className="input mono"
                    autoComplete="off"
                    spellCheck={false}
                    inputMode="url"
                    placeholder="na.myconnectwise.net"
                    value={site}
                    maxLength={300}
                    onChange={(e) => setSite(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Company id" hint="The company you sign in with" error={saveErr.fields.companyId}>
                {(ctl) => (
                  <input
                    {...ctl}
                    className="input mono"
                    autoComplete="off"
                    spellCheck={false}
                    value={company}
                    maxLength={100}
                    onChange={(e) => setCompany(e.target.value)}
                  />
                )}
              </Field>
              <Field
                label="Public key"
                hint={
                  conn.data.hasKeys
                    ? `Saved (ends in ${conn.data.publicKeyLast4}). Leave empty to keep it; another site or company needs both keys again.`
                    : undefined
                }
                error={saveErr.fields.publicKey}
              >
                {(ctl) => (
                  <input
                    {...ctl}
                    className="input mono"
                    type="password"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={conn.data.hasKeys ? '••••••••' : ''}
                    value={publicKey}
                    maxLength={200}
                    onChange={(e) => setPublicKey(e.target.value)}
                  />
                )}
              </Field>
              <Field
                label="Private key"
                hint={
                  conn.data.hasKeys
                    ? 'Saved. Leave empty to keep it; another site or company needs both keys again.'
                    : undefined
                }
                error={saveErr.fields.privateKey}
              >
                {(ctl) => (
                  <input
                    {...ctl}
                    className="input mono"
                    type="password"
                    autoComplete="new-password"
                    spellCheck={false}
                    placeholder={conn.data.hasKeys ? '••••••••' : ''}
                    value={privateKey}
                    maxLength={200}
                    onChange={(e) => setPrivateKey(e.target.value)}
                  />
                )}
              </Field>
            </div>
            <div className="form-actions cw-actions">
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save'}
              </button>
              <button type="button" className="btn" disabled={test.isPending} onClick={runTest}>
                <Icon name="refresh" size={14} />
                {test.isPending ? 'Testing…' : 'Test connection'}
              </button>
              {saved ? (
                confirmRemove ? (
                  <span className="cw-confirm">
                    <span>Disconnect? Queued posts will be skipped.</span>
                    <button
                      type="button"
                      className="btn btn-danger btn-sm"
                      disabled={remove.isPending}
                      onClick={() =>
                        remove.mutate(undefined, {
                          onSuccess: () => {
                            setConfirmRemove(false);
                            setSite('');
                            setCompany('');
                            test.reset();
                          },
                        })
                      }
                    >
                      Disconnect
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() => setConfirmRemove(false)}
                    >
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" className="btn btn-ghost" onClick={() => setConfirmRemove(true)}>
                    Disconnect…
                  </button>
                )
              ) : null}
            </div>
            <FormError message={saveErr.general ?? (remove.error ? errorMessage(remove.error) : null)} />
            <div aria-live="polite" className="cw-status">
              {test.data ? <TestResult r={test.data} /> : null}
              {test.error ? (
                <div className="inline-alert inline-alert-error">{errorMessage(test.error)}</div>
              ) : null}
              {!test.data && saved && conn.data.updatedAt ? (
                <span className="muted">Saved {formatDate(conn.data.updatedAt)}.</span>
              ) : null}
            </div>
          </form>
        )}
      </div>
      {saved ? <MemberMapping /> : null}
    </section>
  );
}

function TestResult({ r }: { r: TPsaTestResult }) {
  return r.ok ? (
    <div className="inline-alert inline-alert-success" data-testid="cw-test-result">
      <Icon name="check" size={14} /> {r.message}
    </div>
  ) : (
    <div className="inline-alert inline-alert-error" data-testid="cw-test-result">
      <Icon name="alert" size={14} /> {r.message}
    </div>
  );
}

function MemberMapping() {
  const members = usePsaMembers(true);
  const set = useSetPsaMember();
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);

  const change = (m: TPsaMemberMapping, value: string) => {
    setRowError(null);
    set.mutate(
      { userId: m.user.id, memberId: value === '' ? null : Number(value) },
      { onError: (err) => setRowError({ id: m.user.id, message: errorMessage(err) }) },
    );
  };

  return (
    <section className="cw-members" aria-labelledby="cw-members-title">
      <div className="panel-header">
        <h3 id="cw-members-title">Who is who in ConnectWise</h3>
        <span className="muted">Notes and time are attributed to these members</span>
      </div>
      {members.isPending ? (
        <div className="panel-body">
          <LoadingRows rows={3} height={40} label="Loading members" />
        </div>
      ) : members.isError ? (
        <div className="panel-body">
          <ErrorState error={members.error} onRetry={() => void members.refetch()} />
        </div>
      ) : (
        <>
          {members.data.problem ? (
            <div className="panel-body">
              <div className="inline-alert inline-alert-error">
                ConnectWise’s member list could not be read: {members.data.problem}
              </div>
            </div>
          ) : null}
          <div className="table-wrap">
            <table className="table team-table cw-member-table">
              <thead>
                <tr>
                  <th scope="col">ResolutionFlow user</th>
                  <th scope="col">ConnectWise member</th>
                </tr>
              </thead>
              <tbody>
                {members.data.mappings.map((m) => {
                  const auto = members.data.members.find(
                    (x) => x.email && x.email === m.user.email.toLowerCase(),
                  );
                  return (
                    <tr key={m.user.id}>
                      <td>
                        <div className="user-cell">
                          <strong>{m.user.name}</strong>
                          <span className="muted">{m.user.email}</span>
                          {rowError?.id === m.user.id ? (
                            <span className="field-error">{rowError.message}</span>
                          ) : null}
                        </div>
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`cw-member-${m.user.id}`}>
                          ConnectWise member for {m.user.name}
                        </label>
                        <select
                          id={`cw-member-${m.user.id}`}
                          className="select compact-select cw-member-select"
                          value={m.source === 'manual' && m.member ? String(m.member.id) : ''}
                          disabled={set.isPending}
                          onChange={(e) => change(m, e.target.value)}
                        >
                          <option value="">
                            {auto
                              ? `By e-mail: ${auto.name} (${auto.identifier})`
                              : 'By e-mail: nobody matches'}
                          </option>
                          {members.data.members.map((x) => (
                            <option key={x.id} value={x.id}>
                              {x.name} ({x.identifier})
                            </option>
                          ))}
                        </select>
                        <span className="cw-source muted">
                          {m.source === 'manual'
                            ? 'Chosen by an admin'
                            : m.source === 'email'
                              ? 'Matched by e-mail'
                              : 'Not mapped: posts go in as the API member'}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
