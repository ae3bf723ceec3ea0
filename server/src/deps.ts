import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Assistant } from './features/assistant/assistant.js';
import type { Policies } from './features/rate-limit/policy.js';

/** Everything a service needs, passed as one object (no module-level singletons). */
export interface Deps {
  db: Database;
  config: Config;
  clock: () => Date;
  /** Overrides of the rate-limit policies (tests); production uses the defaults (decision 011). */
  rateLimits?: Partial<Policies>;
  assistant: Assistant;
  /**
   * Wakes live hubs and workers in every process after a commit that wrote events or outbox rows
   * (db/tx.ts calls it; services don't).
   */
  afterCommit: () => void;
}
