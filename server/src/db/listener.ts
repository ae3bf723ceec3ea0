import pg from 'pg';

/** `null` means "the connection was re-established: notifications may have been missed". */
export type NotifyCallback = (payload: string | null) => void;

export interface PgListener {
  listen(channel: string, cb: NotifyCallback): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/**
 * LISTEN on one dedicated connection per process. A pooled connection stops listening the moment
 * it goes back to the pool (and PgBouncer in transaction mode cannot carry LISTEN at all), so this
 * client never serves queries. When it drops (server restart, network, pg_terminate_backend) it
 * reconnects with a capped backoff, LISTENs again and tells every callback `null`, so that they
 * read what they may have missed from the tables.
 */
export function createPgListener(
  url: string,
  opts: { onError?: (err: Error) => void; maxBackoffMs?: number } = {},
): PgListener {
  const channels = new Map<string, Set<NotifyCallback>>();
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  let client: pg.Client | null = null;
  /** The channels the current connection LISTENs on. */
  let listening = new Set<string>();
  let connecting: Promise<pg.Client> | null = null;
  let everConnected = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoff = 100;

  const report = (err: unknown) => opts.onError?.(err as Error);
  // Closing a connection that already broke can fail too: that failure is reported, not thrown.
  const endQuietly = (c: pg.Client) => c.end().catch(report);

  const dispatch = (channel: string, payload: string | null) => {
    for (const cb of channels.get(channel) ?? []) {
      try {
        cb(payload);
      } catch (err) {
        opts.onError?.(err as Error);
      }
    }
  };

  const dropped = (c: pg.Client, err?: Error) => {
    if (client !== c) return;
    client = null;
    if (err) opts.onError?.(err);
    void endQuietly(c);
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch((err) => {
        opts.onError?.(err as Error);
        backoff = Math.min(maxBackoff, backoff * 2);
        scheduleReconnect();
      });
    }, backoff);
    retryTimer.unref();
  };

  const connect = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'rf-listener' });
      c.on('error', (err) => dropped(c, err));
      c.on('end', () => dropped(c));
      c.on('notification', (msg) => dispatch(msg.channel, msg.payload ?? ''));
      const listened = new Set<string>();
      try {
        await c.connect();
        for (const channel of channels.keys()) {
          await c.query(`LISTEN ${quote(channel)}`);
          listened.add(channel);
        }
      } catch (err) {
        void endQuietly(c);
        throw err;
      }
      if (closed) {
        await c.end();
        throw new Error('listener closed');
      }
      client = c;
      listening = listened;
      backoff = 100;
      const wasReconnect = everConnected;
      everConnected = true;
      if (wasReconnect) for (const channel of channels.keys()) dispatch(channel, null);
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    async listen(channel, cb) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      set.add(cb);
      const stop = async () => {
        const s = channels.get(channel);
        if (!s?.delete(cb) || s.size > 0) return;
        channels.delete(channel);
        listening.delete(channel);
        await client?.query(`UNLISTEN ${quote(channel)}`).catch(report);
      };
      let c: pg.Client;
      try {
        c = await connect();
      } catch (err) {
        // A database that is down at start-up must not stop the app from starting (its requests
        // answer 503 meanwhile): keep trying in the background, and once connected tell the
        // listeners to re-read (`null`), as after any dropped connection.
        opts.onError?.(err as Error);
        everConnected = true;
        scheduleReconnect();
        return stop;
      }
      // A connection made while this call waited may have LISTENed before the channel was added.
      if (!listening.has(channel) && client === c) {
        listening.add(channel);
        await c.query(`LISTEN ${quote(channel)}`);
      }
      return stop;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const c = client;
      client = null;
      if (c) await endQuietly(c);
    },
  };
}
