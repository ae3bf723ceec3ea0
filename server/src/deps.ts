import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Assistant } from './features/assistant/assistant.js';

/** Everything a service needs, passed as one object (no module-level singletons). */
export interface Deps {
  db: Database;
  config: Config;
  clock: () => Date;
  loginRateLimit: { maxPerEmail: number; maxPerIp: number; windowMs: number };
  assistant: Assistant;
  /** Wakes live hubs and workers in every process after a commit that wrote events/outbox rows. */
  afterCommit: (what: AfterCommit) => void;
}

export interface AfterCommit {
  events?: boolean;
  notifications?: boolean;
  /** Whose events were written: only that account's subscribers are read for. */
  accountId?: string;
  /** A sign-out (sessionId) or a change to a user's access (userId): their live streams end. */
  closeStreams?: { sessionId?: string; userId?: string };
}
