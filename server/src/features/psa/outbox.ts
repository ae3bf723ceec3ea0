import type { TPsaPostOptions } from '@rf/contracts';
import type { Work } from '../../db/tx.js';
import { newId } from '../auth/tokens.js';
import * as repo from './repo.js';

/** What a PSA outbox row carries (decision 025). */
export interface PsaPostPayload {
  provider: 'connectwise';
  ticketId: number;
  noteId: string;
  noteKind: 'escalation' | 'resolution';
  authorId: string;
  text?: string;
  statusId?: number;
  statusName?: string;
  minutes?: number;
  endAt?: string;
  /**
   * The operation of the same note this row waits for (decision 025): the time entry waits for the
   * note, the status change for the time entry (or the note, without one). A waiting row is
   * pending with no `next_attempt_at`, so no worker claims it; the delivery of the row it waits for
   * releases it. Rows queued before this existed have none and go out on their own.
   */
  after?: 'note' | 'time';
}

/**
 * Queues the note (and the status change and time entry asked for) for the session's linked
 * ticket, inside the resolving or escalating transaction: the rows commit with the note, the
 * outbox worker sends them after the commit, and a PSA that is down never blocks the caller.
 * Without a linked ticket, a connection, or `post`, nothing is queued. Returns the rows queued.
 */
export async function queuePsaPosts(
  work: Work,
  o: {
    accountId: string;
    sessionId: string;
    noteId: string;
    noteKind: 'escalation' | 'resolution';
    text: string;
    minutesWorked: number | null;
    authorId: string;
    now: Date;
    options: TPsaPostOptions | undefined;
  },
): Promise<number> {
  const options = o.options ?? { post: true };
  if (!options.post) return 0;
  const { tx } = work;
  const ticketId = await repo.findPostableTicket(tx, o.accountId, o.sessionId);
  if (ticketId === null) return 0;
  const base: PsaPostPayload = {
    provider: 'connectwise',
    ticketId,
    noteId: o.noteId,
    noteKind: o.noteKind,
    authorId: o.authorId,
  };
  const row = (
    intent: 'psa_note' | 'psa_status' | 'psa_time',
    op: string,
    payload: PsaPostPayload,
    i: number,
  ) => ({
    id: newId(),
    accountId: o.accountId,
    handoffId: null,
    sessionId: o.sessionId,
    channel: 'psa' as const,
    intent,
    recipientId: null,
    status: 'pending' as const,
    // Only the note is due now; the others wait for the operation before them (payload.after).
    nextAttemptAt: payload.after ? null : o.now,
    payload,
    dedupeKey: `psa:${o.noteId}:${op}`,
    // Listed as the session shows them: note, status, time. They are SENT note, time, status:
    // the status last, because boards often refuse time on a closed ticket, and never before the
    // note is on the ticket (a ticket must not be closed without its note).
    createdAt: new Date(o.now.getTime() + i),
  });
  const withTime = !!(options.timeEntry && o.minutesWorked && o.minutesWorked >= 1);
  const rows = [row('psa_note', 'note', { ...base, text: o.text }, 0)];
  if (options.statusId)
    rows.push(
      row(
        'psa_status',
        'status',
        {
          ...base,
          statusId: options.statusId,
          statusName: options.statusName,
          after: withTime ? 'time' : 'note',
        },
        1,
      ),
    );
  if (withTime)
    rows.push(
      row(
        'psa_time',
        'time',
        {
          ...base,
          minutes: Math.round(o.minutesWorked!),
          endAt: o.now.toISOString(),
          after: 'note',
        },
        2,
      ),
    );
  const n = await repo.insertPosts(tx, rows);
  if (n) work.wakeAfterCommit();
  return n;
}
