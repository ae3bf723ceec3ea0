import type { Db, Tx } from './client.js';

/**
 * One unit of work in a transaction. Besides the transaction itself it collects work that must run
 * LAST before the commit (`atEnd`): live events take the account row's lock (see
 * features/live/events.ts), and the fixed lock order is session → handoff → account.
 */
export interface Work {
  tx: Tx;
  /** Runs `fn` after the transaction's body, in the order registered, before the commit. */
  atEnd(fn: (tx: Tx) => Promise<void>): void;
  /** Once committed, hand this recorded event to the live hubs (`queueEvent` calls it). */
  eventRecorded(event: RecordedEvent): void;
  /** Once committed, end these live streams: a sign-out (`sessionId`) or a changed access (`userId`). */
  closeStreams(target: StreamTarget): void;
  /** Once committed, wake the outbox workers: outbox rows were written without a live event. */
  wakeAfterCommit(): void;
}

export type StreamTarget = { sessionId: string } | { userId: string };

/** A live event as written in this unit of work: its row exactly (`data` is the payload's JSON text). */
export interface RecordedEvent {
  accountId: string;
  seq: number;
  type: string;
  data: string;
}

/**
 * What a committed unit of work asks of the live hubs (`deps.afterCommit`). Only the outcome of the
 * attempt that committed counts: a retried attempt's requests are dropped with its rollback.
 */
export interface AfterCommit {
  /** Accounts whose live events were written: only their subscribers are read for. */
  accountIds: string[];
  /**
   * The events themselves, in the order written: this process's hub sends them without reading
   * them back (other processes read them after the NOTIFY).
   */
  events?: RecordedEvent[];
  /** Streams to end, in this process at once and in the others through NOTIFY. */
  closeStreams: StreamTarget[];
  /** Outbox rows were written (with or without events): the workers should look now. */
  outbox?: boolean;
}

export interface TxDeps {
  db: { db: Db };
  /** Called after a commit whose work asked for anything (events written, streams to end). */
  afterCommit: (what: AfterCommit) => void;
}

/** PostgreSQL's serialization_failure and deadlock_detected: the transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
export const MAX_ATTEMPTS = 5;

/** True when `err` (or an error it wraps: drizzle puts the driver's error in `cause`) is retryable. */
export function isRetryable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` in a transaction, retrying deadlocks and serialisation failures up to MAX_ATTEMPTS
 * times with jittered backoff (the losers of a deadlock were rolled back, so running them again
 * is safe; `fn` must not have effects outside the transaction). Every service opens its
 * transactions here: rules about order and retries live in one place.
 *
 * Lock order for every transaction that touches a session and its handoff: lock the SESSION row
 * first (`sessionsRepo.lockSession`), then the handoff, and write live events last (`atEnd`).
 */
export async function inTransaction<T>(
  deps: TxDeps,
  fn: (work: Work) => Promise<T>,
  opts: { onRetry?: (attempt: number, err: unknown) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // Fresh per attempt: what a rolled-back attempt asked for never happened.
    const accountIds = new Set<string>();
    const events: RecordedEvent[] = [];
    const closeStreams: StreamTarget[] = [];
    let outbox = false;
    let result: T;
    try {
      result = await deps.db.db.transaction(async (tx) => {
        const atEnd: Array<(tx: Tx) => Promise<void>> = [];
        const value = await fn({
          tx,
          atEnd: (f) => {
            atEnd.push(f);
          },
          eventRecorded: (event) => {
            accountIds.add(event.accountId);
            events.push(event);
          },
          closeStreams: (target) => {
            closeStreams.push(target);
          },
          wakeAfterCommit: () => {
            outbox = true;
          },
        });
        for (const f of atEnd) await f(tx);
        return value;
      });
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
      opts.onRetry?.(attempt, err);
      // 5, 10, 20, 40 ms ceilings, full jitter: two deadlocked transactions rarely meet again.
      await sleep(Math.random() * 5 * 2 ** (attempt - 1));
      continue;
    }
    // Committed: from here nothing may run the work again.
    if (accountIds.size > 0 || closeStreams.length > 0 || outbox) {
      deps.afterCommit({
        accountIds: [...accountIds],
        closeStreams,
        ...(events.length > 0 ? { events } : {}),
        ...(outbox ? { outbox } : {}),
      });
    }
    return result;
  }
}

/**
 * Runs reads in one REPEATABLE READ, read-only transaction: every figure read inside sees the same
 * commits (the analytics answer and the version it is cached under, decision 014). A read-only
 * snapshot takes no locks and cannot fail with a serialisation error, so it is never retried.
 */
export function inSnapshot<T>(deps: TxDeps, read: (tx: Tx) => Promise<T>): Promise<T> {
  return deps.db.db.transaction(read, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}
