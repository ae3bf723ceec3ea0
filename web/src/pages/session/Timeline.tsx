import type { TTimelineEntry } from '@rf/contracts';
import { Icon, type IconName } from '../../components/Icon';
import { OUTCOME_META, OutcomeBadge } from '../../components/OutcomeBadge';
import { RichText } from '../../components/RichText';
import { formatDateTime, formatTime } from '../../lib/format';

const KIND_META: Record<TTimelineEntry['kind'], { icon: IconName; label: string }> = {
  step: { icon: 'check', label: 'Step' },
  note: { icon: 'note', label: 'Note' },
  assistant_user: { icon: 'chat', label: 'Asked the assistant' },
  assistant_reply: { icon: 'sparkle', label: 'Assistant' },
  resolution: { icon: 'check2', label: 'Resolved' },
  handoff: { icon: 'flag', label: 'Escalated' },
};

/** The text placed in the assistant composer by "Ask the assistant about this step". */
export function askAboutStepText(entry: Pick<TTimelineEntry, 'text' | 'outcome' | 'detail'>): string {
  const outcome = entry.outcome ? ` (${OUTCOME_META[entry.outcome].label.toLowerCase()})` : '';
  const detail = entry.detail ? ` It showed: ${entry.detail}.` : '';
  return `About the step "${entry.text}"${outcome}:${detail} What does this tell us, and what should I check next?`;
}

export function Timeline({
  entries,
  canAsk,
  onAsk,
}: {
  entries: TTimelineEntry[];
  canAsk: boolean;
  onAsk: (text: string) => void;
}) {
  // The chat lives in the assistant panel; the timeline is the work record.
  const work = entries.filter((e) => e.kind !== 'assistant_user' && e.kind !== 'assistant_reply');
  if (work.length === 0) {
    return (
      <div className="timeline-empty">
        <Icon name="layers" size={20} />
        <p>No steps logged yet. Log what you try, with its outcome, so anyone can pick this up.</p>
      </div>
    );
  }
  return (
    <ol className="timeline" aria-label="Steps, notes and events, oldest first">
      {work.map((e) => {
        const meta = KIND_META[e.kind];
        return (
          <li key={e.id} className={`timeline-entry timeline-${e.kind}`} data-testid="timeline-entry">
            <span className={`timeline-marker${e.outcome ? ` outcome-${e.outcome}` : ''}`} aria-hidden="true">
              <Icon
                name={e.kind === 'step' && e.outcome ? OUTCOME_META[e.outcome].icon : meta.icon}
                size={14}
                strokeWidth={2.2}
              />
            </span>
            <div className="timeline-body">
              <div className="timeline-head">
                {e.kind === 'step' && e.outcome ? (
                  <OutcomeBadge outcome={e.outcome} />
                ) : (
                  <span className="timeline-kind">{meta.label}</span>
                )}
                <span className="timeline-meta">
                  {e.author ? `${e.author.name} · ` : ''}
                  <time dateTime={e.at} title={formatDateTime(e.at)}>
                    {formatTime(e.at)}
                  </time>
                </span>
              </div>
              <p className="timeline-text" dir="auto">
                <RichText text={e.text} />
              </p>
              {e.detail ? (
                <p className="timeline-detail" dir="auto">
                  {e.detail}
                </p>
              ) : null}
              {canAsk && e.kind === 'step' ? (
                <button
                  type="button"
                  className="link-button timeline-ask"
                  onClick={() => onAsk(askAboutStepText(e))}
                >
                  <Icon name="sparkle" size={13} />
                  Ask the assistant about this step
                </button>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
