import type { TEventType, TLiveEvent } from '@rf/contracts';
import type { Database, DbOrTx } from '../../db/client.js';
import type { AfterCommit } from '../../deps.js';
import * as repo from './repo.js';

/**
 * The channel every process LISTENs on; a NOTIFY after commit says "account X has new events"
 * (payload: the account id; empty means "any account": read them all).
 */
export const EVENTS_CHANNEL = 'rf_events';
/** "Close the streams of this sign-in (`s:<session id>`) or of this user (`u:<user id>`)". */
export const STREAMS_CHANNEL = 'rf_streams';

/**
 * The live half of `deps.afterCommit`: one small NOTIFY per purpose, heard by the hub of every
 * process (this one included). Payloads stay far below NOTIFY's 8,000 bytes: ids only, never rows.
 */
export function notifyLive(database: Database, what: AfterCommit, onError: (err: unknown) => void) {
  if (what.events) database.notify(EVENTS_CHANNEL, what.accountId ?? '').catch(onError);
  const close = what.closeStreams;
  if (close?.sessionId) database.notify(STREAMS_CHANNEL, `s:${close.sessionId}`).catch(onError);
  if (close?.userId) database.notify(STREAMS_CHANNEL, `u:${close.userId}`).catch(onError);
}

/**
 * Writes a live event row inside the business transaction: the event exists exactly when the
 * change does. Its `seq` (the SSE id a reconnecting client replays from) is the account's next
 * number, taken under the account row's lock, so seq order is commit order within an account.
 *
 * Call it after the transaction's other row locks (session, handoff): it locks the account row
 * until commit, and taking it last keeps the lock order fixed (session → handoff → account).
 */
export async function recordEvent(
  tx: DbOrTx,
  accountId: string,
  type: TEventType,
  data: Omit<TLiveEvent, 'type'>,
): Promise<number> {
  const seq = await repo.nextEventSeq(tx, accountId);
  await repo.insertEvent(tx, { accountId, seq, type, payload: { type, ...data } });
  return seq;
}
