import { randomUUID } from 'node:crypto';
import { inTransaction } from '../db/tx.js';
import type { Deps } from '../deps.js';
import * as handoffsRepo from '../features/handoffs/repo.js';
import { writeDeliveries } from '../features/handoffs/service.js';
import { EVENTS_CHANNEL } from '../features/live/events.js';
import { batchContext, type DeliveryContext, deliver } from '../features/notifications/delivery.js';
import { DeliveryError } from '../features/notifications/delivery-error.js';
import { createMailer, type Mailer, type MailerOptions } from '../features/notifications/mailer.js';
import { queueDueReminders } from '../features/notifications/reminders.js';
import * as repo from '../features/notifications/repo.js';

/**
 * The worker wakes on the channel every commit that wrote events or outbox rows NOTIFYs
 * (`deps.afterCommit()`, asked for by `queueEvent` and `work.wakeAfterCommit()`): one channel for
 * live hubs and workers keeps `afterCommit` argument-less. A commit without outbox rows costs the
 * worker one claim query that finds nothing (coalesced per turn of the event loop).
 */
export const OUTBOX_WAKE_CHANNEL = EVENTS_CHANNEL;

export interface OutboxWorkerOptions {
  /** Rows sent at once by this process (and SMTP connections kept open). */
  concurrency?: number;
  /** How long a claimed row is reserved for this process; renewed while the send runs. */
  leaseMs?: number;
  /** The fallback timer: the worker looks for due rows and reminders at least this often. */
  pollMs?: number;
  /** Attempts before a row is `failed` (permanent errors fail at once). */
  maxAttempts?: number;
  /** Retry delay: base × 2^(attempt−1), ±25 % jitter, at most `backoffCapMs`. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Upper bound on one delivery, whatever the transport's own timeouts do. */
  sendTimeoutMs?: number;
  webhookTimeoutMs?: number;
  /** How long `stop()` waits for sends in flight before it lets their leases run out. */
  stopGraceMs?: number;
  mailer?: MailerOptions;
  /** Local mail-outbox rows older than this are deleted (default 30 days). */
  keepOutboxMailMs?: number;
  onError?: (err: unknown, what: string) => void;
}

export interface OutboxWorker {
  readonly mailer: Mailer;
  /** Look for due rows and due reminders now (called after commits, and by tests). */
  wake(): void;
  /** Stops claiming, waits (bounded) for sends in flight, closes the mail transport. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  concurrency: 8,
  leaseMs: 15_000,
  pollMs: 5_000,
  maxAttempts: 20,
  backoffBaseMs: 2_000,
  backoffCapMs: 300_000,
  sendTimeoutMs: 60_000,
  webhookTimeoutMs: 10_000,
  stopGraceMs: 10_000,
  keepOutboxMailMs: 30 * 86_400_000,
};

/**
 * How long an escalation's request has to write its own delivery rows after its commit before the
 * worker's sweep writes them (either way exactly once; the wait only keeps the sweep off the normal
 * path, which writes them a few milliseconds after the commit).
 */
export const DELIVERIES_GRACE_MS = 15_000;

/** The delay before retry number `attempts` (1 = the first retry). */
export function backoffDelay(attempts: number, o: { backoffBaseMs: number; backoffCapMs: number }) {
  const exp = o.backoffBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const jittered = exp * (0.75 + Math.random() * 0.5);
  return Math.min(o.backoffCapMs, jittered);
}

/**
 * The outbox worker. Every process runs one; they share the work through the database:
 *
 * - rows are claimed FOR UPDATE SKIP LOCKED and leased (`lease_until`, `lease_token`); the lease
 *   is renewed while a send runs, so a slow SMTP server never lets a second process take the
 *   row, and a process that dies (SIGKILL) leaves it to be claimed again when the lease ends;
 * - the result is written only while the lease token still matches (a fencing token);
 * - it wakes on NOTIFY `rf_events` (sent after every commit that wrote rows, by any process), on
 *   completions, and on a timer set to the next retry (at most `pollMs` away);
 * - reminder rounds are written by the same loop (see `queueDueReminders`).
 */
export async function startOutboxWorker(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  options: OutboxWorkerOptions = {},
): Promise<OutboxWorker> {
  const o = { ...DEFAULTS, ...options };
  const onError = options.onError ?? ((err, what) => console.error(`outbox worker: ${what}`, err));
  const mailer = createMailer(
    { db: deps.db.db, config: deps.config, clock: deps.clock },
    { maxConnections: o.concurrency, ...options.mailer },
  );
  const ctx: DeliveryContext = {
    db: deps.db.db,
    config: deps.config,
    clock: deps.clock,
    mailer,
    webhookTimeoutMs: o.webhookTimeoutMs,
  };

  const inflight = new Map<string, { token: string; done: Promise<void> }>();
  let stopping = false;
  let running = false;
  let again = false;
  let sweepRequested = true;
  let lastSweep = 0;
  let lastPrune = 0;
  let timer: NodeJS.Timeout | null = null;
  let kickQueued = false;

  /** Many completions and NOTIFYs in one turn of the event loop make one tick, not one each. */
  const kick = () => {
    if (kickQueued || stopping) return;
    kickQueued = true;
    setImmediate(() => {
      kickQueued = false;
      void tick();
    });
  };

  const renewer = setInterval(
    () => {
      if (inflight.size === 0) return;
      const tokens = [...new Set([...inflight.values()].map((f) => f.token))];
      repo
        .renewLeases(deps.db.db, tokens, new Date(deps.clock().getTime() + o.leaseMs))
        .catch((err) => onError(err, 'renewing leases'));
    },
    Math.max(50, Math.floor(o.leaseMs / 3)),
  );
  renewer.unref();

  const schedule = (ms: number) => {
    if (stopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = null;
        sweepRequested = true;
        void tick();
      },
      Math.max(20, Math.min(ms, o.pollMs)),
    );
    timer.unref();
  };

  // The worker's own transactions ask for no wake-up after their commit: the pass that wrote rows
  // claims them itself.
  const ownTx = { db: deps.db, afterCommit: () => {} };

  async function sweepReminders(now: Date) {
    // Escalations whose process died between their commit and their delivery rows (decision 032).
    const missing = await handoffsRepo.handoffsMissingDeliveries(
      deps.db.db,
      new Date(now.getTime() - DELIVERIES_GRACE_MS),
      100,
    );
    for (const h of missing) {
      if (stopping) return;
      await writeDeliveries(ownTx, h.accountId, h.id, now);
    }
    while (!stopping) {
      // Through the shared helper (retries a deadlock or serialisation failure). No wake-up is
      // needed after commit: this loop claims the rows it just wrote on its next pass.
      const rounds = await inTransaction(ownTx, ({ tx }) => queueDueReminders(tx, now));
      if (rounds === 0) break;
    }
    if (Date.now() - lastPrune > 3_600_000) {
      lastPrune = Date.now();
      await repo.deleteOutboxMailBefore(deps.db.db, new Date(now.getTime() - o.keepOutboxMailMs));
    }
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    let failed = false;
    try {
      do {
        again = false;
        const now = deps.clock();
        if (sweepRequested || Date.now() - lastSweep >= o.pollMs) {
          sweepRequested = false;
          lastSweep = Date.now();
          await sweepReminders(now);
        }
        const capacity = o.concurrency - inflight.size;
        if (capacity <= 0 || stopping) break;
        const token = randomUUID();
        const rows = await repo.claimDue(deps.db.db, {
          now,
          leaseUntil: new Date(now.getTime() + o.leaseMs),
          token,
          limit: capacity,
        });
        const batch = batchContext(ctx, rows);
        for (const row of rows) start(row, token, batch);
        if (rows.length === capacity) again = true;
      } while (again && !stopping);
    } catch (err) {
      failed = true;
      onError(err, 'claiming due rows');
    } finally {
      running = false;
    }
    if (stopping) return;
    if (failed) return schedule(o.pollMs);
    // While sends are in flight their completions wake us; the timer is only a safety net.
    if (inflight.size > 0) return schedule(o.pollMs);
    try {
      const next = await repo.nextDueAt(deps.db.db);
      schedule(next ? next.getTime() - deps.clock().getTime() : o.pollMs);
    } catch (err) {
      onError(err, 'reading the next due time');
      schedule(o.pollMs);
    }
  }

  function start(row: repo.NotificationRow, token: string, batch: DeliveryContext) {
    const done = (async () => {
      let patch: Parameters<typeof repo.finishDelivery>[3];
      try {
        const outcome = await withTimeout(deliver(batch, row), o.sendTimeoutMs);
        const now = deps.clock();
        patch =
          outcome.status === 'sent'
            ? { status: 'sent', sentAt: now, nextAttemptAt: null, lastError: row.lastError }
            : { status: 'skipped', sentAt: null, nextAttemptAt: null, lastError: outcome.reason };
        if (outcome.payload !== undefined) patch.payload = outcome.payload;
      } catch (err) {
        const failure =
          err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err));
        const now = deps.clock();
        const give = failure.permanent || row.attempts >= o.maxAttempts;
        patch = give
          ? { status: 'failed', sentAt: null, nextAttemptAt: null, lastError: failure.message }
          : {
              status: 'pending',
              sentAt: null,
              // A receiver's Retry-After (a PSA's 429) is honoured: never sooner than it asked.
              nextAttemptAt: new Date(
                now.getTime() + Math.max(backoffDelay(row.attempts, o), failure.retryAfterMs ?? 0),
              ),
              lastError: failure.message,
            };
      }
      // The result must be recorded, or the row is sent again after its lease: retry the write.
      for (let i = 0; ; i++) {
        try {
          await repo.finishDelivery(deps.db.db, row.id, token, patch);
          return;
        } catch (err) {
          if (i >= 4 || stopping) return onError(err, `recording the result of ${row.id}`);
          await sleep(200 * 2 ** i);
        }
      }
    })().finally(() => {
      inflight.delete(row.id);
      kick();
    });
    inflight.set(row.id, { token, done });
  }

  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await deps.db.listen(OUTBOX_WAKE_CHANNEL, kick);
  } catch (err) {
    onError(err, 'listening for new rows (the timer still runs)');
  }
  void tick();

  return {
    mailer,
    wake() {
      sweepRequested = true;
      void tick();
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      await unlisten?.().catch(() => {});
      const pending = [...inflight.values()].map((f) => f.done);
      await Promise.race([Promise.allSettled(pending), sleep(o.stopGraceMs)]);
      clearInterval(renewer);
      mailer.close();
    },
  };
}

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    setTimeout(r, ms).unref();
  });

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DeliveryError(`no result within ${Math.round(ms / 1000)} s`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
