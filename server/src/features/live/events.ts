import type { TEventType, TLiveEvent } from '@rf/contracts';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { events } from '../../db/schema.js';

/** The channel every process LISTENs on; a NOTIFY after commit says "new events are stored". */
export const EVENTS_CHANNEL = 'rf_events';

/**
 * Writes a live event row. Call inside the business transaction: the event exists exactly when the
 * change does, and its id is the SSE id a reconnecting client replays from.
 */
export async function recordEvent(
  db: DbOrTx,
  accountId: string,
  type: TEventType,
  data: Omit<TLiveEvent, 'type'>,
) {
  const [row] = await db
    .insert(events)
    .values({ accountId, type, payload: { type, ...data } })
    .returning({ id: events.id });
  return row!.id;
}

export async function eventsAfter(db: DbOrTx, accountId: string, afterId: number, limit = 500) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.accountId, accountId), gt(events.id, afterId)))
    .orderBy(asc(events.id))
    .limit(limit);
}
