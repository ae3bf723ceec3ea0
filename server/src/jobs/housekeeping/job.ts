import type { FastifyBaseLogger } from 'fastify';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import type { Deps } from '../../deps.js';
import * as repo from './repo.js';

/**
 * Housekeeping: rows that only ever pile up are purged in the background.
 *
 * - auth sessions past their expiry (they no longer sign anyone in);
 * - login attempts older than a week (the login limit looks back minutes, not weeks);
 * - invitations accepted or expired more than a week ago (for a week an old link still says
 *   "expired" or "already used" rather than "not found").
 *
 * Bounded: each round deletes at most batchSize rows per table, at most maxBatches rounds per run.
 * One timer, unref'd (it never keeps the process alive), rescheduled after each run so runs never
 * overlap; stop() waits for a run in progress. Several processes on one database may all run it:
 * the deletes are idempotent.
 */
export interface HousekeepingOptions {
  intervalMs?: number;
  /** Delay before the first run, so that it does not compete with start-up. */
  firstRunMs?: number;
  batchSize?: number;
  maxBatches?: number;
  loginAttemptRetentionMs?: number;
  invitationGraceMs?: number;
}

export interface PurgeCounts {
  authSessions: number;
  loginAttempts: number;
  invitations: number;
}

const DAY = 86_400_000;
const DEFAULTS = {
  intervalMs: 60 * 60_000,
  firstRunMs: 60_000,
  batchSize: 1_000,
  maxBatches: 20,
  loginAttemptRetentionMs: 7 * DAY,
  invitationGraceMs: 7 * DAY,
} satisfies Required<HousekeepingOptions>;

type HousekeepingDeps = Pick<Deps, 'db' | 'clock'>;

export async function purgeOnce(
  deps: HousekeepingDeps,
  options: HousekeepingOptions = {},
): Promise<PurgeCounts> {
  const o = { ...DEFAULTS, ...options };
  const now = deps.clock();
  const drain = async (purge: (limit: number) => Promise<number>) => {
    let total = 0;
    for (let i = 0; i < o.maxBatches; i++) {
      const n = await purge(o.batchSize);
      total += n;
      if (n < o.batchSize) break;
    }
    return total;
  };
  const db = deps.db.db;
  return {
    authSessions: await drain((limit) => repo.purgeExpiredAuthSessions(db, now, limit)),
    loginAttempts: await drain((limit) =>
      repo.purgeLoginAttempts(db, new Date(now.getTime() - o.loginAttemptRetentionMs), limit),
    ),
    invitations: await drain((limit) =>
      repo.purgeSpentInvitations(db, new Date(now.getTime() - o.invitationGraceMs), limit),
    ),
  };
}

export interface Housekeeping {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startHousekeeping(
  deps: HousekeepingDeps,
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>,
  options: HousekeepingOptions = {},
): Housekeeping {
  const o = { ...DEFAULTS, ...options };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const run = async () => {
    try {
      const purged = await purgeOnce(deps, o);
      if (purged.authSessions + purged.loginAttempts + purged.invitations > 0)
        log.info({ purged }, 'housekeeping');
    } catch (err) {
      if (isDatabaseUnavailable(err)) log.warn('housekeeping skipped: the database is unavailable');
      else log.error({ err }, 'housekeeping failed');
    }
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = run().finally(() => {
        running = null;
        schedule(o.intervalMs);
      });
    }, ms);
    timer.unref();
  };
  schedule(o.firstRunMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
