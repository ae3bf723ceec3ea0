import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { attempt, DEFAULT_POLICIES, type Policies, type PolicyName } from './policy.js';
import * as repo from './repo.js';

/**
 * The one rate limiter: buckets live in the database, so limits hold across restarts and across
 * every process behind a load balancer. A leaf module: services and routes call it; it calls
 * only its repo.
 */
export interface Bucket {
  policy: PolicyName;
  key: string;
}

const rowKey = (b: Bucket) => `${b.policy}:${b.key}`;

export function policiesOf(deps: Pick<Deps, 'rateLimits'>): Policies {
  return { ...DEFAULT_POLICIES, ...deps.rateLimits };
}

/** "8 seconds", "3 minutes": how long a person has to wait, rounded up. */
export function waitWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/**
 * Counts one attempt in every bucket, all or nothing, before the expensive work it guards. The
 * buckets are locked (in key order) for the few statements this takes, so of any number of
 * parallel attempts exactly as many pass as the policy allows. When any bucket is still waiting,
 * nothing is counted and a 429 says how long to wait (`Retry-After`).
 */
export async function take(deps: Deps, buckets: Bucket[], refused: (wait: string) => string): Promise<void> {
  const policies = policiesOf(deps);
  const keys = [...new Set(buckets.map(rowKey))].sort();
  await repo.ensureBuckets(deps.db.db, keys, deps.clock());
  const retryAfterMs = await deps.db.db.transaction(async (tx) => {
    const rows = await repo.lockBuckets(tx, keys);
    // Read after the lock: the attempts that held it before us have read the clock before us.
    const now = deps.clock();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const updates: repo.RateLimitRow[] = [];
    let wait = 0;
    for (const b of buckets) {
      const row = byKey.get(rowKey(b));
      // A housekeeping purge between the insert and the lock: treat it as an empty bucket.
      const state = row ?? { key: rowKey(b), count: 0, countedAt: now, blockedUntil: now };
      const r = attempt(policies[b.policy], state, now);
      if (r.ok) updates.push({ key: rowKey(b), ...r.next });
      else wait = Math.max(wait, r.retryAfterMs);
    }
    if (wait > 0) return wait;
    for (const u of updates) {
      if (byKey.has(u.key)) await repo.saveBucket(tx, u);
      else await repo.insertBucket(tx, u);
    }
    return 0;
  });
  if (retryAfterMs > 0) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new AppError('rate_limited', 429, refused(waitWords(seconds)), { retryAfterSeconds: seconds });
  }
}

/** Forgets buckets (a successful sign-in clears its e-mail's failures). */
export async function reset(deps: Deps, buckets: Bucket[]): Promise<void> {
  await repo.deleteBuckets(deps.db.db, buckets.map(rowKey));
}

/** Gives back one counted attempt (a sign-in that succeeded is not a strike against its address). */
export async function refund(deps: Deps, bucket: Bucket): Promise<void> {
  await repo.refundBucket(deps.db.db, rowKey(bucket));
}

/** Each assistant message may cost an LLM call: counted per user before the session is touched. */
export function takeAssistantMessage(deps: Deps, userId: string): Promise<void> {
  return take(
    deps,
    [{ policy: 'assistant', key: userId }],
    (wait) => `You are sending messages faster than the assistant can answer. Try again in ${wait}.`,
  );
}

/** Suggestions and note previews run the engine in the request: counted per user (any role). */
export function takeAssistantRead(deps: Deps, userId: string): Promise<void> {
  return take(
    deps,
    [{ policy: 'assistantRead', key: userId }],
    (wait) => `Too many assistant requests in a row. Try again in ${wait}.`,
  );
}

/** Each invitation sends an e-mail: counted per account, before anything is written or sent. */
export function takeInvitation(deps: Deps, accountId: string): Promise<void> {
  return take(
    deps,
    [{ policy: 'invitation', key: accountId }],
    (wait) => `Your team has sent many invitations in a short time. Try again in ${wait}.`,
  );
}
