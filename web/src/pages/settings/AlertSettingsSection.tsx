import type { TWebhookFormat } from '@rf/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import {
  useNotificationSettings,
  useSaveNotificationSettings,
  useTestWebhook,
} from '../../api/notifications';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { ErrorState, FormError, Skeleton } from '../../components/States';
import { apiErrors } from '../../lib/forms';
import './notifications.css';

export const FORMAT_LABEL: Record<TWebhookFormat, string> = {
  auto: 'Automatic (from the URL)',
  slack: 'Slack blocks (also Mattermost, Rocket.Chat)',
  teams_messagecard: 'Microsoft Teams connector (MessageCard)',
  teams_adaptive: 'Microsoft Teams Workflows (Adaptive Card)',
};
const FORMATS = Object.keys(FORMAT_LABEL) as TWebhookFormat[];

/** Admins: the account's chat webhook (with Send test) and the reminder delay. */
export function AlertSettingsSection() {
  const settings = useNotificationSettings();
  const save = useSaveNotificationSettings();
  const test = useTestWebhook();
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<TWebhookFormat>('auto');
  const [delay, setDelay] = useState('5');
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    if (settings.data && !loaded) {
      setUrl(settings.data.webhookUrl ?? '');
      setFormat(settings.data.webhookFormat);
      setDelay(String(settings.data.reminderDelayMinutes));
      setLoaded(true);
    }
  }, [settings.data, loaded]);

  const saveErr = apiErrors(save.error);
  const testErr = apiErrors(test.error);
  const fieldError = (name: string) => saveErr.fields[name] ?? testErr.fields[name] ?? null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    test.reset();
    const minutes = Number(delay);
    save.mutate({
      webhookUrl: url.trim() === '' ? null : url.trim(),
      webhookFormat: format,
      reminderDelayMinutes: Number.isFinite(minutes) && delay.trim() !== '' ? minutes : Number.NaN,
    });
  };
  const sendTest = () => {
    save.reset();
    test.mutate(url.trim() ? { webhookUrl: url.trim(), webhookFormat: format } : {});
  };

  return (
    <section className="panel settings-section" aria-labelledby="alerts-title">
      <div className="panel-header">
        <h2 id="alerts-title">Chat webhook and reminders</h2>
        <Link to="/settings/mail-outbox" className="btn btn-sm btn-ghost">
          <Icon name="inbox" size={14} />
          Mail outbox
        </Link>
      </div>
      <div className="panel-body">
        {settings.isPending ? (
          <Skeleton height={180} />
        ) : settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          <form className="form-stack alerts-form" onSubmit={submit} noValidate>
            <Field
              label="Incoming webhook URL"
              hint="Every new escalation and reminder is posted to this channel: Slack, Microsoft Teams, Mattermost or Rocket.Chat. It must start with https://. Leave it empty and save to stop posting."
              error={fieldError('webhookUrl')}
            >
              {(ctl) => (
                <input
                  {...ctl}
                  className="input mono"
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="https://hooks.slack.com/services/…"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                />
              )}
            </Field>
            <div className="alerts-row">
              <Field
                label="Message format"
                hint={
                  settings.data.effectiveWebhookFormat && format === 'auto'
                    ? `The saved URL gets: ${FORMAT_LABEL[settings.data.effectiveWebhookFormat]}.`
                    : undefined
                }
                error={fieldError('webhookFormat')}
              >
                {(ctl) => (
                  <select
                    {...ctl}
                    className="select"
                    value={format}
                    onChange={(e) => setFormat(e.target.value as TWebhookFormat)}
                  >
                    {FORMATS.map((f) => (
                      <option key={f} value={f}>
                        {FORMAT_LABEL[f]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field
                label="Reminder delay (minutes)"
                hint="Still unclaimed after this long: the next tier up and the admins are reminded, at most 3 times."
                error={fieldError('reminderDelayMinutes')}
              >
                {(ctl) => (
                  <input
                    {...ctl}
                    className="input tabular delay-input"
                    type="number"
                    min={1}
                    max={1440}
                    step={1}
                    value={delay}
                    onChange={(e) => setDelay(e.target.value)}
                  />
                )}
              </Field>
            </div>
            <div className="form-actions alerts-actions">
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save'}
              </button>
              <button
                type="button"
                className="btn"
                disabled={test.isPending || (!url.trim() && !settings.data.webhookUrl)}
                onClick={sendTest}
              >
                <Icon name="chat" size={14} />
                {test.isPending ? 'Sending…' : 'Send test'}
              </button>
            </div>
            <FormError message={saveErr.general ?? testErr.general} />
            <div aria-live="polite" className="alerts-status">
              {save.isSuccess ? (
                <div className="inline-alert inline-alert-success">
                  {save.data.webhookUrl ? 'Saved. New escalations will be posted to the webhook.' : 'Saved.'}
                </div>
              ) : null}
              {test.data ? (
                test.data.delivered ? (
                  <div className="inline-alert inline-alert-success">
                    <Icon name="check" size={14} /> Test message delivered (HTTP {test.data.status}, as{' '}
                    {FORMAT_LABEL[test.data.format]}, {Math.round(test.data.durationMs)} ms).
                  </div>
                ) : (
                  <div className="inline-alert inline-alert-error test-error">
                    <Icon name="alert" size={14} /> The test message was not delivered: {test.data.error}
                  </div>
                )
              ) : null}
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
