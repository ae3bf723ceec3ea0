/**
 * Sends one PSA outbox row (channel `psa`): an internal note, a status change or a time entry for
 * the ticket the session was linked to when the note was saved. Called by the outbox worker
 * (notifications/delivery.ts) with the row leased; throws a DeliveryError to retry or fail.
 *
 * Never twice: every row is unique per note and operation (`dedupe_key`), and a note or time entry
 * carries a marker line `[ResolutionFlow ref rf-…]`. When an earlier attempt of the row may have
 * reached the PSA (it timed out, the process died, or the answer was lost: `attempts > 1` or a
 * `last_error`), the provider first looks for the marker on the ticket and does not post again.
 *
 * In order: the operations of one note go out note, time entry, status (decision 025). A row that
 * waits (`payload.after`) is not due until the delivery of the row before it releases it: the note
 * once it is on the ticket, the time entry once it is posted or refused for good. A note that
 * failed keeps the rest waiting (a ticket is not closed without its note); Retry of the note sends
 * them after it. A skipped row skips the ones waiting behind it. A status change is skipped when
 * a later one for the same ticket (a later note of the session) is sent or still to go.
 */
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import type { DeliveryOutcome } from '../notifications/delivery.js';
import { DeliveryError } from '../notifications/delivery-error.js';
import type { NotificationRow } from '../notifications/repo.js';
import type { PsaPostPayload } from './outbox.js';
import { PsaError } from './provider.js';
import * as repo from './repo.js';
import { SecretUnreadable } from './secrets.js';
import { memberFor, providerFor } from './service.js';

export async function deliverPsa(
  ctx: { db: DbOrTx; config: Config; clock?: () => Date; webhookTimeoutMs?: number },
  row: NotificationRow,
): Promise<DeliveryOutcome> {
  const p = row.payload as PsaPostPayload;
  let provider: Awaited<ReturnType<typeof providerFor>>;
  try {
    // One request is bounded like a webhook's (10 s by default); the worker bounds the whole send.
    provider = await providerFor({ config: ctx.config, db: ctx.db }, row.accountId, ctx.webhookTimeoutMs);
  } catch (err) {
    if (err instanceof SecretUnreadable) throw new DeliveryError(err.message, true);
    throw err;
  }
  const now = () => ctx.clock?.() ?? new Date();
  if (!provider) {
    const reason = 'ConnectWise PSA was disconnected before this went out';
    await repo.skipWaiting(ctx.db, row.accountId, p.noteId, reason);
    return { status: 'skipped', reason };
  }
  const mayExist = row.attempts > 1 || row.lastError !== null;
  const marker = { ref: `rf-${row.intent === 'psa_time' ? 'time' : 'note'}-${p.noteId}` };
  try {
    if (row.intent === 'psa_note') {
      const memberId = await memberFor(ctx.db, provider, row.accountId, p.authorId);
      await provider.postNote(p.ticketId, { text: p.text ?? '', internal: true, memberId }, marker, {
        mayExist,
      });
    } else if (row.intent === 'psa_status') {
      // A status change that went out late (its note was retried after a later resolve or
      // escalation) must not undo the later one.
      const later = row.sessionId
        ? await repo.laterStatusPost(ctx.db, {
            accountId: row.accountId,
            sessionId: row.sessionId,
            ticketId: p.ticketId,
            id: row.id,
            createdAt: row.createdAt,
          })
        : null;
      if (later) {
        const name = (later.payload as PsaPostPayload).statusName;
        return {
          status: 'skipped',
          reason: `A later status change${name ? ` (${name})` : ''} for this ticket replaces it`,
        };
      }
      await provider.updateStatus(p.ticketId, p.statusId!);
    } else if (row.intent === 'psa_time') {
      const memberId = await memberFor(ctx.db, provider, row.accountId, p.authorId);
      const end = new Date(p.endAt!);
      const start = new Date(end.getTime() - (p.minutes ?? 0) * 60_000);
      const what = p.noteKind === 'resolution' ? 'Resolution' : 'Escalation';
      await provider.addTimeEntry(
        p.ticketId,
        { memberId, start, end, notes: `${what} work logged in ResolutionFlow` },
        marker,
        { mayExist },
      );
    } else {
      return { status: 'skipped', reason: `Unknown PSA operation ${row.intent}` };
    }
  } catch (err) {
    if (err instanceof PsaError) {
      // A time entry the PSA refuses for good does not hold the status change back.
      if (row.intent === 'psa_time' && !err.retryable)
        await repo.releaseWaiting(ctx.db, row.accountId, p.noteId, 'time', now());
      throw new DeliveryError(err.message, !err.retryable, err.status, err.retryAfterMs);
    }
    throw err;
  }
  if (row.intent === 'psa_note') await repo.releaseWaiting(ctx.db, row.accountId, p.noteId, 'note', now());
  if (row.intent === 'psa_time') await repo.releaseWaiting(ctx.db, row.accountId, p.noteId, 'time', now());
  return { status: 'sent' };
}
