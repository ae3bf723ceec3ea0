import { type LiveStatus, useLiveStatus } from '../api/live';

const LABEL: Record<LiveStatus, { short: string; long: string }> = {
  connecting: { short: 'Connecting', long: 'Connecting to live updates…' },
  live: { short: 'Live', long: 'Live: new escalations and changes appear as they happen' },
  reconnecting: {
    short: 'Reconnecting…',
    long: 'Reconnecting: changes will appear once the connection is back',
  },
  offline: {
    short: 'Offline',
    long: 'Offline: what you see may be out of date; reconnecting in the background',
  },
};

/**
 * The state of this tab's live connection, in the top bar. The state is told by the word and by the
 * dot's shape (filled, pulsing ring, hollow), never by colour alone.
 */
export function LiveIndicator() {
  const status = useLiveStatus();
  const label = LABEL[status];
  return (
    <span
      className={`live-status live-status-${status}`}
      title={label.long}
      data-testid="live-status"
      data-status={status}
    >
      <span className="live-status-dot" aria-hidden="true" />
      <span className="live-status-text">
        <span className="visually-hidden">Updates: </span>
        {label.short}
      </span>
    </span>
  );
}
