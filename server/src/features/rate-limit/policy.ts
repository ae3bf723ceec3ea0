/**
 * Growing delays instead of lockouts (decision 011). Each bucket (one e-mail, one address, one
 * e-mail from one address, one user's chat) counts attempts. The count leaks away at a steady
 * rate, so occasional use never adds up. The first `free` attempts pass at once; from then on
 * each counted attempt makes the next one wait twice as long (1 s, 2 s, 4 s, ... up to a cap).
 * An attempt inside the wait is refused (429 with Retry-After) and is not counted, so hammering
 * does not make the wait longer.
 */
export interface Policy {
  /** Attempts that pass back to back before any delay. */
  free: number;
  /** One counted attempt is forgotten every `leakMs`. */
  leakMs: number;
  /** The first delay; it doubles with every further counted attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const DEFAULT_POLICIES = {
  /** One e-mail from one address: a guesser at one machine (or a user with a bad memory). */
  loginPair: { free: 5, leakMs: 10 * MINUTE, baseDelayMs: SECOND, maxDelayMs: 15 * MINUTE },
  /** One e-mail from anywhere: guessing spread over many addresses. */
  loginEmail: { free: 10, leakMs: 5 * MINUTE, baseDelayMs: SECOND, maxDelayMs: 5 * MINUTE },
  /** One address, any e-mails: password spraying. High, because an office shares one address. */
  loginIp: { free: 50, leakMs: 30 * SECOND, baseDelayMs: SECOND, maxDelayMs: 5 * MINUTE },
  /** Sign-ups, invitation accepts and password resets per address: each costs an argon2 hash. */
  signup: { free: 20, leakMs: 3 * MINUTE, baseDelayMs: SECOND, maxDelayMs: 10 * MINUTE },
  /** Assistant messages per user: each may cost an LLM call. */
  assistant: { free: 20, leakMs: 6 * SECOND, baseDelayMs: SECOND, maxDelayMs: MINUTE },
  /**
   * The engine's reads per user (suggestions, ticket-note previews): each is CPU in the server's one
   * thread. Far above what a person's screens ask for (a refetch per change), far below a loop.
   */
  assistantRead: { free: 30, leakMs: 2 * SECOND, baseDelayMs: SECOND, maxDelayMs: 30 * SECOND },
  /**
   * Invitations per account: each sends an e-mail from the product's address with text the account
   * wrote. Enough to onboard a whole team in one sitting, not a mailing list.
   */
  invitation: { free: 50, leakMs: MINUTE, baseDelayMs: SECOND, maxDelayMs: 10 * MINUTE },
  /**
   * "Forgot password" requests per address typed in (whether or not it has an account, so the limit
   * tells nothing): a few tries for a person, not a mailbox flood.
   */
  passwordResetEmail: { free: 3, leakMs: 10 * MINUTE, baseDelayMs: 30 * SECOND, maxDelayMs: 30 * MINUTE },
  /** ... and per client address: one office may have a few forgetful people. */
  passwordResetIp: { free: 20, leakMs: MINUTE, baseDelayMs: SECOND, maxDelayMs: 10 * MINUTE },
} satisfies Record<string, Policy>;

export type PolicyName = keyof typeof DEFAULT_POLICIES;
export type Policies = Record<PolicyName, Policy>;

export interface BucketState {
  count: number;
  /** The time the count was last brought up to date (leaks are measured from it). */
  countedAt: Date;
  blockedUntil: Date;
}

/** The count after leaking up to `now`; a partly leaked interval is kept, not lost. */
export function leak(p: Policy, s: BucketState, now: Date): BucketState {
  const elapsed = now.getTime() - s.countedAt.getTime();
  if (elapsed <= 0) return s;
  const leaked = Math.floor(elapsed / p.leakMs);
  const count = Math.max(0, s.count - leaked);
  const countedAt = count === 0 ? now : new Date(s.countedAt.getTime() + leaked * p.leakMs);
  return { count, countedAt, blockedUntil: s.blockedUntil };
}

/** The wait that follows the `count`-th attempt. */
export function delayAfter(p: Policy, count: number): number {
  if (count < p.free) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(count - p.free, 40));
}

/** Counts one attempt, or says how long to wait when the bucket is still waiting. */
export function attempt(
  p: Policy,
  s: BucketState,
  now: Date,
): { ok: true; next: BucketState } | { ok: false; retryAfterMs: number } {
  if (s.blockedUntil > now) return { ok: false, retryAfterMs: s.blockedUntil.getTime() - now.getTime() };
  const leaked = leak(p, s, now);
  const count = leaked.count + 1;
  const delay = delayAfter(p, count);
  // No delay leaves the (past) block as it is: a parallel attempt whose clock read a moment
  // earlier must not find itself blocked by this one.
  const blockedUntil = delay > 0 ? new Date(now.getTime() + delay) : s.blockedUntil;
  return { ok: true, next: { count, countedAt: leaked.countedAt, blockedUntil } };
}
