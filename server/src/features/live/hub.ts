import type { Database } from '../../db/client.js';
import type { AfterCommit } from '../../db/tx.js';
import { type EventSink, endStream, socketOf } from './connection.js';
import { EVENTS_CHANNEL, STREAMS_CHANNEL } from './events.js';
import * as repo from './repo.js';

export interface LiveOptions {
  /** A comment line on every stream this often, so that proxies keep idle streams open. */
  heartbeatMs: number;
  /**
   * A stream whose unsent bytes (held by Node because the client does not read) exceed this when
   * the next write is due is dropped: it reconnects and replays instead of growing our memory.
   */
  maxBufferedBytes: number;
  /** Per user, per process; the next one answers 429. */
  maxStreamsPerUser: number;
  /** Events stay replayable at least this long; the sweep deletes older ones. */
  retentionMs: number;
  sweepMs: number;
  /** How often the sign-ins behind open streams are checked again (the backstop for a lost NOTIFY). */
  revalidateMs: number;
  /** The `retry:` a browser waits before reconnecting. */
  retryMs: number;
  /** Events read per account per query (a longer backlog takes several reads). */
  pageSize: number;
  /** Live events held for a stream while its replay is still being written; past it, drop. */
  maxPendingEvents: number;
  /** How often this process's presence rows are marked current (well inside `PRESENCE_FRESH_MS`). */
  presenceRefreshMs: number;
}

export const defaultLiveOptions: LiveOptions = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 256 * 1024,
  maxStreamsPerUser: 20,
  retentionMs: 24 * 3_600_000 + 3_600_000,
  sweepMs: 10 * 60_000,
  revalidateMs: 30_000,
  retryMs: 2_000,
  pageSize: 500,
  maxPendingEvents: 5_000,
  presenceRefreshMs: 15_000,
};

/** Stale presence rows are deleted once this old (any process's sweep). */
const PRESENCE_KEEP_MS = 10 * 60_000;

export interface StreamOwner {
  accountId: string;
  userId: string;
  /** The sign-in (auth session id) the stream was opened with. */
  sessionId: string;
  role: string;
}

interface AccountState {
  id: string;
  streams: Set<Stream>;
  /** The newest seq this hub has read for the account; null while the first stream starts. */
  cursor: number | null;
}

interface Stream {
  owner: StreamOwner;
  /** Where its bytes go (the connection, or the HTTP response): see connection.ts. */
  res: EventSink;
  account: AccountState;
  /** The newest seq written to this stream. */
  sent: number;
  /** Live events that arrive while the replay is written; null once the stream is live. */
  pending: repo.StoredEvent[] | null;
  closed: boolean;
}

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const consoleLog: Log = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

const HEARTBEAT = Buffer.from(':\n\n');

const frame = (e: repo.StoredEvent) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
const frames = (events: repo.StoredEvent[]) => Buffer.from(events.map(frame).join(''));

/**
 * One per process: holds every open event stream, and fans new events out to them.
 *
 * A wake-up (the NOTIFY sent after a commit, heard from any process) marks the account dirty; one
 * read at a time takes every dirty account's new events in a single query and writes them to the
 * account's streams, each event encoded once for all of them. No stream ever queries or polls on
 * its own: only opening one may read (its position and its replay), and not even that when the hub
 * already follows the account and the client needs nothing before the hub's cursor (decision 031).
 */
export class LiveHub {
  readonly opts: LiveOptions;
  /** Tells this process's own NOTIFYs apart from other processes' ones. */
  readonly origin = crypto.randomUUID().slice(0, 8);
  /**
   * Counters for tests and the benchmark. `positionReads`: streams that had to read the database
   * to start (the others joined at the hub's cursor).
   */
  readonly stats = { reads: 0, dropped: 0, opened: 0, handedOver: 0, positionReads: 0 };
  private readonly accounts = new Map<string, AccountState>();
  private readonly byUser = new Map<string, Set<Stream>>();
  private dirty = new Set<string>();
  /** Users whose presence here changed (first stream opened, last one closed) since the last write. */
  private presenceDirty = new Set<string>();
  private presenceQueued = false;
  /** Presence writes run one after another, each writing the state at its own time. */
  private presenceChain: Promise<void> = Promise.resolve();
  private dirtyAll = false;
  private reading = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unlisten: (() => Promise<void>)[] = [];
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    opts: Partial<LiveOptions> = {},
    /** buildApp hands it the app's logger. */
    public log: Log = consoleLog,
  ) {
    this.opts = { ...defaultLiveOptions, ...opts };
  }

  /**
   * The live half of `deps.afterCommit`. This process's hub is fed at once, with the committed rows
   * themselves when they follow on from what its streams have (no round trip through the database);
   * the NOTIFY wakes the hubs of the other processes, which read the rows from the table (NOTIFY
   * payloads are ids only, far below its 8,000 bytes).
   */
  publish(what: AfterCommit) {
    const failed = (err: unknown) => this.log.error({ err }, 'NOTIFY after commit failed');
    for (const accountId of what.accountIds) {
      const mine = what.events?.filter((e) => e.accountId === accountId) ?? [];
      if (!this.deliverCommitted(accountId, mine)) this.wake(accountId);
      this.db.notify(EVENTS_CHANNEL, `${accountId} ${this.origin}`).catch(failed);
    }
    // Outbox rows without a live event: one NOTIFY on the events channel wakes every process's
    // outbox worker; the hubs ignore its "-" account.
    if (what.outbox && what.accountIds.length === 0) {
      this.db.notify(EVENTS_CHANNEL, `- ${this.origin}`).catch(failed);
    }
    for (const target of what.closeStreams) {
      if ('sessionId' in target) {
        this.closeSession(target.sessionId);
        this.db.notify(STREAMS_CHANNEL, `s:${target.sessionId} ${this.origin}`).catch(failed);
      } else {
        this.closeUser(target.userId);
        this.db.notify(STREAMS_CHANNEL, `u:${target.userId} ${this.origin}`).catch(failed);
      }
    }
  }

  /** LISTENs and starts the heartbeat, sweep and revalidation timers. */
  async start() {
    this.unlisten.push(
      await this.db.listen(EVENTS_CHANNEL, (p) => {
        if (p === null) return this.wake(null); // reconnected: anything may have been missed
        const [accountId, origin] = p.split(' ');
        if (origin === this.origin || accountId === '-') return; // published here, or an outbox wake-up
        this.wake(accountId ? accountId : null);
      }),
    );
    this.unlisten.push(await this.db.listen(STREAMS_CHANNEL, (p) => this.onStreamsNotice(p)));
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.heartbeatMs, () => this.heartbeat());
    // Every user with a stream here is written again (a row swept while the database was away
    // comes back), in turn with the changes, so a refresh never re-adds someone who just left.
    every(this.opts.presenceRefreshMs, () => {
      if (this.stopped || this.byUser.size === 0) return;
      this.presenceChain = this.presenceChain.then(() =>
        repo
          .writePresence(this.db.db, this.origin, [...this.byUser.keys()], [], this.clock())
          .catch((err) => this.log.error({ err }, 'refreshing who is online failed')),
      );
    });
    every(this.opts.sweepMs, () => {
      this.sweep().catch((err) => this.log.error({ err }, 'live event sweep failed'));
    });
    every(this.opts.revalidateMs, () => {
      this.revalidate().catch((err) => this.log.error({ err }, 'live stream revalidation failed'));
    });
  }

  /** Ends every stream and stops listening (shutdown). */
  async stop() {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.closeAll();
    // This process holds no stream any more: its users are away unless another process has them.
    await this.presenceChain;
    await repo
      .clearPresence(this.db.db, this.origin)
      .catch((err) => this.log.warn({ err }, 'clearing presence failed'));
    await Promise.all(
      this.unlisten.splice(0).map((u) => u().catch((err) => this.log.warn({ err }, 'UNLISTEN failed'))),
    );
  }

  get streamCount() {
    let n = 0;
    for (const a of this.accounts.values()) n += a.streams.size;
    return n;
  }

  streamsOf(userId: string) {
    return this.byUser.get(userId)?.size ?? 0;
  }

  mayOpen(userId: string) {
    return !this.stopped && this.streamsOf(userId) < this.opts.maxStreamsPerUser;
  }

  /**
   * Serves one stream on a sink whose head is written (`openEventStream`). `lastEventId` is where
   * the client stands (null: from now on). Resolves once the stream is live (or already gone).
   */
  async open(owner: StreamOwner, res: EventSink, lastEventId: number | null) {
    res.write(`retry: ${this.opts.retryMs}\n\n`);

    let account = this.accounts.get(owner.accountId);
    if (!account) {
      account = { id: owner.accountId, streams: new Set(), cursor: null };
      this.accounts.set(owner.accountId, account);
    }
    const s: Stream = { owner, res, account, sent: 0, pending: [], closed: false };
    account.streams.add(s);
    let mine = this.byUser.get(owner.userId);
    if (!mine) {
      mine = new Set();
      this.byUser.set(owner.userId, mine);
    }
    mine.add(s);
    if (mine.size === 1) this.notePresence(owner.userId);
    this.stats.opened++;
    res.on('close', () => this.remove(s));
    const cursor = account.cursor;
    if (cursor !== null && (lastEventId === null || lastEventId === cursor)) {
      // The hub already follows this account and the client needs nothing before its position:
      // every event after the cursor reaches this stream through the fan-out. No query, so a page
      // load or a reconnect storm costs no database round trip per stream.
      s.sent = cursor;
      this.goLive(s, 0, false);
      return;
    }
    try {
      await this.catchUp(s, lastEventId);
    } catch (err) {
      this.log.error({ err }, 'live stream could not start');
      this.drop(s);
    }
  }

  private async catchUp(s: Stream, lastEventId: number | null) {
    const accountId = s.owner.accountId;
    // Committed events are gap-free per account (seq is taken under the account row's lock), so
    // the account's counter read now bounds what a replay must cover.
    this.stats.positionReads++;
    const current = await repo.accountEventSeq(this.db.db, accountId);
    if (s.closed) return;
    if (s.account.cursor === null) {
      s.account.cursor = current;
      // A NOTIFY that came while the cursor was unknown was ignored: read once now.
      this.wake(accountId);
    }
    let reset = lastEventId !== null && lastEventId > current; // not a position of this account
    let from = lastEventId === null || reset ? current : lastEventId;
    let replayed = 0;
    s.sent = from;
    while (from < current || replayed > 0) {
      const rows = await repo.eventsAfterMany(
        this.db.db,
        [{ accountId, afterSeq: from }],
        this.opts.pageSize,
      );
      if (s.closed) return;
      if (replayed === 0 && rows[0]?.seq !== from + 1) {
        // The events after `from` were swept (older than the replay window): start afresh.
        reset = true;
        s.sent = current;
        break;
      }
      if (rows.length === 0) break;
      from = rows[rows.length - 1]!.seq;
      replayed += rows.length;
      s.sent = from;
      if (!s.res.write(frames(rows))) await drained(s.res);
      if (s.closed) return;
      if (rows.length < this.opts.pageSize) break;
    }
    this.goLive(s, replayed, reset);
  }

  /** Tells the client where it stands, then sends what arrived meanwhile: from here fan-out feeds it. */
  private goLive(s: Stream, replayed: number, reset: boolean) {
    s.res.write(`id: ${s.sent}\nevent: ready\ndata: ${JSON.stringify({ seq: s.sent, replayed, reset })}\n\n`);
    const held = (s.pending ?? []).filter((e) => e.seq > s.sent);
    s.pending = null;
    if (held.length > 0) this.write(s, frames(held), held[held.length - 1]!.seq);
  }

  /**
   * Sends events this process just committed, when they are exactly the account's next ones (seq
   * gap-free from the hub's cursor). Otherwise (another process's commit not read yet, a cursor not
   * known yet, nothing handed over) it returns false and the caller wakes a read, which sends them
   * in order; events sent here and read again later are skipped by the cursor.
   */
  private deliverCommitted(accountId: string, events: repo.StoredEvent[]): boolean {
    if (this.stopped) return true;
    const account = this.accounts.get(accountId);
    if (!account) return true; // no subscriber here: nothing to send
    if (account.cursor === null || events.length === 0) return false;
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < sorted.length; i++) if (sorted[i]!.seq !== account.cursor + 1 + i) return false;
    this.stats.handedOver += sorted.length;
    this.fanOut(sorted);
    return true;
  }

  /** A commit was announced: `accountId` has new events (null: any account may have). */
  wake(accountId: string | null) {
    if (this.stopped) return;
    if (accountId === null) this.dirtyAll = true;
    else if (this.accounts.has(accountId)) this.dirty.add(accountId);
    else return; // no subscriber here: nothing to read
    void this.drain();
  }

  private async drain() {
    if (this.reading) return; // the running loop picks the new marks up
    this.reading = true;
    try {
      while (!this.stopped && (this.dirtyAll || this.dirty.size > 0)) {
        const ids = this.dirtyAll ? [...this.accounts.keys()] : [...this.dirty];
        this.dirtyAll = false;
        this.dirty = new Set();
        const cursors: { accountId: string; afterSeq: number }[] = [];
        for (const id of ids) {
          const cursor = this.accounts.get(id)?.cursor;
          if (cursor !== null && cursor !== undefined) cursors.push({ accountId: id, afterSeq: cursor });
        }
        for (let i = 0; i < cursors.length; i += 2_000) {
          const chunk = cursors.slice(i, i + 2_000);
          let rows: repo.StoredEvent[];
          try {
            rows = await repo.eventsAfterMany(this.db.db, chunk, this.opts.pageSize);
          } catch (err) {
            // The database is unreachable: keep these accounts marked and try again shortly.
            for (const c of chunk) this.dirty.add(c.accountId);
            this.log.error({ err }, 'reading live events failed; retrying');
            this.retryLater();
            return;
          }
          this.stats.reads++;
          let start = 0;
          for (let j = 1; j <= rows.length; j++) {
            if (j < rows.length && rows[j]!.accountId === rows[start]!.accountId) continue;
            const batch = rows.slice(start, j);
            if (batch.length >= this.opts.pageSize) this.dirty.add(batch[0]!.accountId); // more to read
            this.fanOut(batch);
            start = j;
          }
        }
      }
    } finally {
      this.reading = false;
    }
  }

  private retryLater() {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.drain();
    }, 1_000);
    this.retryTimer.unref();
  }

  private fanOut(batch: repo.StoredEvent[]) {
    const account = this.accounts.get(batch[0]!.accountId);
    if (!account) return; // its last stream closed meanwhile
    const events = account.cursor === null ? batch : batch.filter((e) => e.seq > account.cursor!);
    if (events.length === 0) return;
    const first = events[0]!.seq;
    const last = events[events.length - 1]!.seq;
    if (account.cursor !== null) account.cursor = last;
    let shared: Buffer | null = null; // encoded once for every stream that is exactly up to date
    for (const s of account.streams) {
      if (s.pending) {
        s.pending.push(...events);
        if (s.pending.length > this.opts.maxPendingEvents) this.drop(s);
        continue;
      }
      if (s.sent >= last) continue;
      if (s.sent === first - 1) {
        shared ??= frames(events);
        this.write(s, shared, last);
      } else {
        this.write(s, frames(events.filter((e) => e.seq > s.sent)), last);
      }
    }
  }

  private write(s: Stream, buf: Buffer, seq: number) {
    if (s.closed) return;
    // What Node still holds from earlier writes: a client that keeps it above the bound is not
    // reading. (The check is before the write, so one large catch-up batch never trips it.)
    if (s.res.writableLength > this.opts.maxBufferedBytes) {
      this.drop(s);
      return;
    }
    s.res.write(buf);
    s.sent = seq;
  }

  private heartbeat() {
    for (const account of this.accounts.values()) {
      for (const s of account.streams) {
        if (s.closed || s.pending) continue;
        if (s.res.writableLength > this.opts.maxBufferedBytes) this.drop(s);
        else s.res.write(HEARTBEAT);
      }
    }
  }

  /** Deletes events older than the replay window (every process runs it; overlaps are harmless). */
  async sweep() {
    const now = this.clock().getTime();
    await repo.deletePresenceBefore(this.db.db, new Date(now - PRESENCE_KEEP_MS));
    return repo.deleteEventsBefore(this.db.db, new Date(now - this.opts.retentionMs));
  }

  /**
   * Presence (decision 030): a user is on ResolutionFlow while one of their streams is open in some
   * process. A change here (first stream, last stream) is written at the end of this turn of the
   * event loop, so a thousand streams opening together make one statement.
   */
  private notePresence(userId: string) {
    if (this.stopped) return;
    this.presenceDirty.add(userId);
    this.schedulePresenceWrite(0);
  }

  private schedulePresenceWrite(delayMs: number) {
    if (this.presenceQueued) return;
    this.presenceQueued = true;
    const run = () => {
      this.presenceQueued = false;
      this.presenceChain = this.presenceChain.then(() => this.writePresence());
    };
    if (delayMs === 0) setImmediate(run);
    else setTimeout(run, delayMs).unref();
  }

  private async writePresence() {
    if (this.stopped || this.presenceDirty.size === 0) return;
    const users = [...this.presenceDirty];
    this.presenceDirty = new Set();
    const present = users.filter((u) => this.byUser.has(u));
    const absent = users.filter((u) => !this.byUser.has(u));
    try {
      await repo.writePresence(this.db.db, this.origin, present, absent, this.clock());
    } catch (err) {
      // The database is unreachable: write these again shortly (the state then, not now).
      this.log.error({ err }, 'recording who is online failed; retrying');
      for (const u of users) this.presenceDirty.add(u);
      this.schedulePresenceWrite(1_000);
    }
  }

  /** Until the presence writes queued so far are done (tests, and shutdown). */
  async presenceSettled() {
    await new Promise<void>((r) => setImmediate(r));
    await this.presenceChain;
  }

  /** Ends the streams whose sign-in ended or whose user's role changed since they opened. */
  async revalidate() {
    const streams = [...this.allStreams()];
    const ids = [...new Set(streams.map((s) => s.owner.sessionId))];
    const valid = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 5_000) {
      for (const v of await repo.validStreamSessions(this.db.db, ids.slice(i, i + 5_000), this.clock())) {
        valid.set(v.sessionId, v.role);
      }
    }
    for (const s of streams) {
      if (valid.get(s.owner.sessionId) !== s.owner.role) this.end(s);
    }
  }

  private onStreamsNotice(payload: string | null) {
    if (payload === null) {
      // The LISTEN connection dropped and came back: a sign-out may have been missed.
      this.revalidate().catch((err) => this.log.error({ err }, 'live stream revalidation failed'));
      this.wake(null);
      return;
    }
    const [target = '', origin] = payload.split(' ');
    if (origin === this.origin) return; // published here: already closed
    const kind = target.slice(0, 2);
    const id = target.slice(2);
    if (kind === 'u:') this.closeUser(id);
    else if (kind === 's:') this.closeSession(id);
  }

  closeUser(userId: string) {
    for (const s of [...(this.byUser.get(userId) ?? [])]) this.end(s);
  }

  closeSession(sessionId: string) {
    for (const s of [...this.allStreams()]) if (s.owner.sessionId === sessionId) this.end(s);
  }

  /** Ends every stream; resolves when their sockets are closed (at most about a second). */
  async closeAll() {
    const streams = [...this.allStreams()];
    await Promise.all(
      streams.map(
        (s) =>
          new Promise<void>((resolve) => {
            const sock = socketOf(s.res);
            if (!sock || sock.destroyed) return resolve();
            sock.once('close', () => resolve());
            this.end(s);
            // A client that does not read cannot take the last bytes: do not wait for it.
            setTimeout(() => {
              sock.destroy();
              resolve();
            }, 1_000).unref();
          }),
      ),
    );
  }

  private *allStreams() {
    for (const a of this.accounts.values()) yield* a.streams;
  }

  /** A clean end: the client sees the stream finish (and, if still signed in, reconnects). */
  private end(s: Stream) {
    if (s.closed) return;
    this.remove(s);
    // Close the connection too: the browser must not reuse it for another request meanwhile.
    endStream(s.res);
  }

  private drop(s: Stream) {
    if (s.closed) return;
    this.stats.dropped++;
    this.remove(s);
    s.res.destroy();
  }

  private remove(s: Stream) {
    if (s.closed) return;
    s.closed = true;
    s.pending = null;
    const account = s.account;
    account.streams.delete(s);
    if (account.streams.size === 0 && this.accounts.get(account.id) === account) {
      this.accounts.delete(account.id);
    }
    const mine = this.byUser.get(s.owner.userId);
    mine?.delete(s);
    if (mine?.size === 0) {
      this.byUser.delete(s.owner.userId);
      this.notePresence(s.owner.userId);
    }
  }
}

/** Resolves when the response can take more, or is gone. */
function drained(res: EventSink) {
  return new Promise<void>((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
