import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { AfterCommit } from './db/tx.js';
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
   * After a commit that wrote live events or ends live streams: feeds this process's live hub and
   * NOTIFYs the other processes (db/tx.ts calls it with what the unit of work collected; services
   * don't call it).
   */
  afterCommit: (what: AfterCommit) => void;
}
