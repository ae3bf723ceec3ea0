import type { TNotificationPreferences } from '@rf/contracts';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useNotificationPrefs, useSaveNotificationPrefs } from '../../api/notifications';
import { ErrorState, Skeleton } from '../../components/States';

/** Each person's own switches: e-mail about new escalations, and reminders while one waits. */
export function NotificationPreferencesSection() {
  const prefs = useNotificationPrefs();
  const save = useSaveNotificationPrefs();
  // The switch moves with the click; it moves back if the server refuses the change.
  const [draft, setDraft] = useState<TNotificationPreferences | null>(null);
  const shown = draft ?? prefs.data;
  const change = (patch: Partial<TNotificationPreferences>) => {
    if (!shown) return;
    const next = { ...shown, ...patch };
    setDraft(next);
    save.mutate(next, { onSettled: () => setDraft(null) });
  };
  return (
    <section className="panel settings-section" aria-labelledby="prefs-title">
      <div className="panel-header">
        <h2 id="prefs-title">Notifications</h2>
      </div>
      <div className="panel-body">
        {prefs.isPending ? (
          <Skeleton height={72} />
        ) : prefs.isError || !shown ? (
          <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />
        ) : (
          <div className="form-stack">
            <label className="checkbox-row">
              <input
                type="checkbox"
                checked={shown.email}
                disabled={save.isPending}
                onChange={(e) => change({ email: e.target.checked })}
              />
              <span>
                <strong>Email me about new escalations</strong>
                <br />
                <span className="muted">
                  Sent when a teammate escalates to your tier or to you and you do not have ResolutionFlow
                  open; with it open you are told in the app. In-app alerts always stay on.
                </span>
              </span>
            </label>
            <label className="checkbox-row">
              <input
                type="checkbox"
                checked={shown.reminders}
                disabled={save.isPending}
                onChange={(e) => change({ reminders: e.target.checked })}
              />
              <span>
                <strong>Remind me while an escalation waits</strong>
                <br />
                <span className="muted">
                  {shown.email
                    ? 'If nobody picks an escalation up, the next tier up and the admins get a reminder e-mail (at most 3).'
                    : 'Reminders come by e-mail: turn e-mail on to get them.'}
                </span>
              </span>
            </label>
            <div aria-live="polite" className="save-status">
              {save.isError ? (
                <span className="field-error">{errorMessage(save.error)}</span>
              ) : save.isSuccess ? (
                <span className="muted">Saved.</span>
              ) : null}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
