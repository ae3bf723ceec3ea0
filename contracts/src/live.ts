import { z } from 'zod';

/**
 * `GET /api/events`: where to resume. Browsers resend `Last-Event-ID` as a header by themselves on
 * a reconnect; a page that opens a fresh stream passes its last id here (EventSource cannot set
 * headers). The header wins when both are present.
 */
export const ZEventsQuery = z.object({
  lastEventId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * The first event on every stream, sent once the replay (if any) is written: `seq` is the stream's
 * position. `reset` means the position asked for could not be replayed (older than the replay
 * window, or not a position of this account): the client must refetch what it shows.
 */
export const ZLiveReady = z.object({ seq: z.number().int(), replayed: z.number().int(), reset: z.boolean() });
export type TLiveReady = z.infer<typeof ZLiveReady>;
