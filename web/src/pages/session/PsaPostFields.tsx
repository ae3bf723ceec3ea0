import type { TPsaPostOptions } from '@rf/contracts';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { usePsaStatuses, usePsaTicket } from '../../api/psa';
import './psa.css';

/** The PSA choices of a Resolve or Escalate dialog, as the request's `psa` field. */
export interface PsaChoice {
  post: boolean;
  statusId: number | null;
  statusName: string | null;
  timeEntry: boolean;
}

export const INITIAL_PSA_CHOICE: PsaChoice = {
  post: true,
  statusId: null,
  statusName: null,
  timeEntry: false,
};

/** The body's `psa`, or undefined when no ticket is linked (the server then sends nothing). */
export function psaBody(linked: boolean, c: PsaChoice): TPsaPostOptions | undefined {
  if (!linked) return undefined;
  if (!c.post) return { post: false };
  return {
    post: true,
    ...(c.statusId ? { statusId: c.statusId, statusName: c.statusName ?? undefined } : {}),
    timeEntry: c.timeEntry,
  };
}

export function useLinkedTicket(sessionId: string) {
  const t = usePsaTicket(sessionId);
  return t.data?.connected && t.data.link ? t.data.link : null;
}

/**
 * "Post to ticket #N as internal note" (on by default), a status to move the ticket to, and a
 * time entry for the time worked. Only shown when the session is linked to a ticket.
 */
export function PsaPostFields({
  sessionId,
  open,
  value,
  onChange,
  timeLabel,
}: {
  sessionId: string;
  open: boolean;
  value: PsaChoice;
  onChange: (c: PsaChoice) => void;
  /** e.g. "Add a time entry for 45 min"; null hides the time entry toggle. */
  timeLabel: string | null;
}) {
  const link = useLinkedTicket(sessionId);
  const statuses = usePsaStatuses(sessionId, open && !!link && value.post);
  const [id] = useState(() => `psa-${Math.random().toString(36).slice(2, 8)}`);
  if (!link) return null;
  return (
    <fieldset className="psa-fields">
      <legend className="visually-hidden">ConnectWise ticket</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={value.post}
          onChange={(e) => onChange({ ...value, post: e.target.checked })}
        />
        <span>
          Post to ticket <strong>#{link.ticketId}</strong> as an internal note
        </span>
      </label>
      {value.post ? (
        <div className="psa-options">
          <div className="field">
            <label htmlFor={`${id}-status`}>Move the ticket to</label>
            <select
              id={`${id}-status`}
              className="select"
              value={value.statusId ?? ''}
              disabled={statuses.isPending}
              onChange={(e) => {
                const sid = e.target.value ? Number(e.target.value) : null;
                const name = statuses.data?.statuses.find((s) => s.id === sid)?.name ?? null;
                onChange({ ...value, statusId: sid, statusName: name });
              }}
            >
              <option value="">{statuses.isPending ? 'Loading statuses…' : 'Keep its status'}</option>
              {statuses.data?.statuses.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.closed ? ' (closed)' : ''}
                </option>
              ))}
            </select>
            {statuses.isError ? (
              <span className="field-hint">
                The statuses could not be read: {errorMessage(statuses.error)}
              </span>
            ) : null}
          </div>
          {timeLabel ? (
            <label className="check-row">
              <input
                type="checkbox"
                checked={value.timeEntry}
                onChange={(e) => onChange({ ...value, timeEntry: e.target.checked })}
              />
              <span>{timeLabel}</span>
            </label>
          ) : null}
          <p className="field-hint">
            Sent after you confirm, in the background: a slow or unavailable ConnectWise never holds this up.
            The note ends with a reference line so that it is never posted twice.
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}
