import type { TEventType, TLiveEvent } from '@rf/contracts';
import type { DbOrTx } from '../../db/client.js';
import type { RecordedEvent, Work } from '../../db/tx.js';
import * as repo from './repo.js';

/**
 * The channel every process LISTENs on; a NOTIFY after commit says "account X has new events"
 * (payload: `<account id> <origin>`; an empty payload means "any account": read them all).
 */
export const EVENTS_CHANNEL = 'rf_events';
/** "End the streams of this sign-in (`s:<session id> <origin>`) or user (`u:<user id> <origin>`)". */
export const STREAMS_CHANNEL = 'rf_streams';

/**
 * A presence row (who has ResolutionFlow open, decision 030) not refreshed for this long belongs to
 * a process that died: its users count as away. The hub refreshes its rows every 15 s.
 */
export const PRESENCE_FRESH_MS = 45_000;

/**
 * Writes a live event row inside the business transaction: the event exists exactly when the
 * change does. Its `seq` (the SSE id a reconnecting client replays from) is the account's next
 * number, taken under the account row's lock, so seq order is commit order within an account.
 *
 * Call it after the transaction's other row locks (session, handoff): it locks the account row
 * until commit, and taking it last keeps the lock order fixed (session → handoff → account).
 * Services call `queueEvent`, which does exactly that.
 */
export async function recordEvent(
  tx: DbOrTx,
  accountId: string,
  type: TEventType,
  data: Omit<TLiveEvent, 'type'>,
): Promise<number> {
  return (await writeEvent(tx, accountId, type, data)).seq;
}

async function writeEvent(
  tx: DbOrTx,
  accountId: string,
  type: TEventType,
  data: Omit<TLiveEvent, 'type'>,
): Promise<RecordedEvent> {
  const json = JSON.stringify({ type, ...data });
  const seq = await repo.insertNextEvent(tx, accountId, type, json);
  return { accountId, seq, type, data: json };
}

/**
 * Records a live event at the end of the unit of work (after every other lock it takes, see above)
 * and hands it to the live hubs after the commit.
 */
export function queueEvent(
  work: Work,
  accountId: string,
  type: TEventType,
  data: Omit<TLiveEvent, 'type'>,
): void {
  work.atEnd(async (tx) => {
    work.eventRecorded(await writeEvent(tx, accountId, type, data));
  });
}
