import type { TNotificationRow } from '@rf/contracts';
import { useHandoffDelivery } from '../../api/notifications';
import { Icon, type IconName } from '../../components/Icon';
import { ErrorState, LoadingRows } from '../../components/States';
import { formatDateTime, formatTime } from '../../lib/format';
import './delivery.css';

const CHANNEL_LABEL: Record<TNotificationRow['channel'], string> = {
  in_app: 'In app',
  email: 'E-mail',
  webhook: 'Chat webhook',
};
const CHANNEL_ICON: Record<TNotificationRow['channel'], IconName> = {
  in_app: 'layers',
  email: 'inbox',
  webhook: 'chat',
};
const STATUS: Record<TNotificationRow['status'], { label: string; icon: IconName }> = {
  sent: { label: 'Sent', icon: 'check' },
  pending: { label: 'Waiting', icon: 'clock' },
  failed: { label: 'Failed', icon: 'x' },
  skipped: { label: 'Skipped', icon: 'info' },
};

function detail(n: TNotificationRow): string {
  if (n.status === 'sent') {
    const when = n.sentAt ? formatTime(n.sentAt) : '';
    return n.attempts > 1 && n.lastError
      ? `${when} after ${n.attempts} tries (before: ${n.lastError})`
      : when;
  }
  if (n.status === 'pending') {
    const next = n.nextAttemptAt ? `next try ${nextTry(n.nextAttemptAt)}` : 'on its way';
    return n.lastError ? `${next} · ${n.lastError}` : next;
  }
  return n.lastError ?? '';
}

function nextTry(iso: string): string {
  const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
  if (s <= 1) return 'now';
  if (s < 90) return `in ${s}s`;
  return `at ${formatTime(iso)}`;
}

function groups(rows: TNotificationRow[]) {
  const out = new Map<string, TNotificationRow[]>();
  for (const n of rows) {
    const key = n.intent === 'reminder' ? `Reminder ${n.round ?? ''} of 3` : 'Escalation';
    out.set(key, [...(out.get(key) ?? []), n]);
  }
  return [...out.entries()];
}

/** Admins: who was told about this escalation, on which channel, and how it went. */
export function DeliveryPanel({ handoffId }: { handoffId: string }) {
  const delivery = useHandoffDelivery(handoffId, true);
  const rows = delivery.data ?? [];
  const count = (s: TNotificationRow['status']) => rows.filter((n) => n.status === s).length;
  return (
    <section className="handoff-section panel delivery-panel" aria-labelledby="sec-delivery">
      <h2 id="sec-delivery" className="handoff-section-title">
        Notifications
      </h2>
      {delivery.isPending ? (
        <LoadingRows rows={3} height={28} label="Loading notifications" />
      ) : delivery.isError ? (
        <ErrorState error={delivery.error} onRetry={() => void delivery.refetch()} />
      ) : rows.length === 0 ? (
        <p className="muted">Nobody was notified: no teammate matched the target.</p>
      ) : (
        <>
          <p className="delivery-summary tabular" aria-live="polite">
            {(['sent', 'pending', 'failed', 'skipped'] as const)
              .filter((s) => count(s) > 0)
              .map((s) => `${count(s)} ${STATUS[s].label.toLowerCase()}`)
              .join(' · ')}
          </p>
          {groups(rows).map(([title, items]) => (
            <div key={title} className="delivery-group">
              <h3 className="section-title">{title}</h3>
              <ul className="delivery-list">
                {items.map((n) => (
                  <li key={n.id} className="delivery-row">
                    <span className="delivery-who">
                      <strong>
                        {n.recipient?.name ?? (n.channel === 'webhook' ? 'Team channel' : 'Someone')}
                      </strong>
                      <span className="delivery-channel muted">
                        <Icon name={CHANNEL_ICON[n.channel]} size={12} />
                        {CHANNEL_LABEL[n.channel]}
                      </span>
                    </span>
                    <span className={`badge delivery-status delivery-${n.status}`}>
                      <Icon name={STATUS[n.status].icon} size={12} strokeWidth={2.2} />
                      {STATUS[n.status].label}
                    </span>
                    <span className="delivery-attempts tabular muted" title="Attempts">
                      {/* Nothing tried yet (waiting, or skipped when it was written): no count. */}
                      {n.channel === 'in_app' || n.attempts === 0
                        ? ''
                        : `${n.attempts} ${n.attempts === 1 ? 'try' : 'tries'}`}
                    </span>
                    <span
                      className="delivery-detail"
                      title={n.sentAt ? formatDateTime(n.sentAt) : (n.lastError ?? undefined)}
                    >
                      {detail(n)}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
