import { performance } from 'node:perf_hooks';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { ConfigError, loadConfig } from './config.js';
import { type Database, DatabaseStartError, openDatabase } from './db/client.js';
import type { Deps } from './deps.js';
import { createAssistant } from './features/assistant/assistant.js';
import { SHIPPED_NOT_PREPARED, warmShippedEngineInSlices } from './features/assistant/engine.js';
import { LiveHub } from './features/live/hub.js';
import { secretsKey } from './features/psa/secrets.js';
import { startHousekeeping } from './jobs/housekeeping/job.js';
import { startOutboxWorker } from './jobs/outbox-worker.js';
import { createLogger } from './logging.js';
import { demoInfo, isEmpty, printDemoSignIns, seedDemo } from './seed.js';
import { installShutdown } from './shutdown.js';

// Milliseconds since the process started: Node's bootstrap plus loading every module above (the
// assistant's knowledge index is built later, on first use or right after listening).
const modulesLoadedAt = performance.now();
const rssMb = () => Math.round(process.memoryUsage.rss() / 1_048_576);
const cpuMs = () => {
  const c = process.cpuUsage();
  return Math.round((c.user + c.system) / 1000);
};
const memory = { modules: rssMb(), database: 0, seed: 0, listening: 0 };
// CPU time used by the end of each step: unlike wall time, it does not stretch on a busy machine.
const cpu = { modules: cpuMs(), database: 0, seed: 0, listening: 0 };

/** A setting or the database is wrong: say so in one line, no stack trace, and stop. */
function cannotStart(message: string): never {
  console.error(`ResolutionFlow cannot start: ${message}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) cannotStart(err.message);
  throw err;
}

const log = createLogger({ level: config.logLevel });

// The key that encrypts integration secrets (decision 025): SECRETS_KEY, or one generated into
// DATA_DIR on the first run (with a warning to back it up).
try {
  secretsKey(config, log);
  if (!config.secretsKey && config.databaseUrl)
    log.warn(
      'SECRETS_KEY is not set while DATABASE_URL is: every process must read the same DATA_DIR/secrets.key, or the ConnectWise keys saved by one cannot be read by the others. Set SECRETS_KEY.',
    );
} catch (err) {
  cannotStart(`the secrets key in ${config.dataDir} cannot be read or written (${(err as Error).message})`);
}

let database: Database;
const openStarted = performance.now();
try {
  database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    waitMs: config.databaseWaitMs,
  });
} catch (err) {
  if (err instanceof DatabaseStartError) cannotStart(err.message);
  throw err;
}
const databaseMs = performance.now() - openStarted;
memory.database = rssMb();
cpu.database = cpuMs();

const clock = () => new Date();
const live = new LiveHub(database, clock);
const deps: Deps = {
  db: database,
  config,
  clock,
  assistant: createAssistant({ llm: config.ai }),
  afterCommit: (what) => live.publish(what),
};

const seedStarted = performance.now();
const seeded = config.seedDemo && (await isEmpty(deps)) ? await seedDemo(deps) : null;
// A bundle built by `npm run build` carries the seed's assessments; from the sources they are live.
if (seeded) log.info({ ...seeded, accountId: undefined }, 'demo account seeded');
const demo = config.seedDemo ? await demoInfo(deps) : { demo: false, signIns: [] };
const seedMs = performance.now() - seedStarted;
memory.seed = rssMb();
cpu.seed = cpuMs();

const app = await buildApp({ deps, demo, logger: log, live });
const housekeeping = startHousekeeping(deps, log);
app.addHook('onClose', () => housekeeping.stop());
// Sends e-mail, webhooks and reminders from the outbox (every process runs one; see jobs/).
const worker = await startOutboxWorker(deps, {
  onError: (err, what) => log.error({ err }, `outbox: ${what}`),
});
app.addHook('onClose', () => worker.stop());
installShutdown({
  app,
  after: [{ name: 'database', run: () => database.close() }],
  timeoutMs: 10_000,
  log,
});

await app.listen({ port: config.port, host: config.host });
const shown = config.publicUrl ?? `http://localhost:${(app.server.address() as { port: number }).port}`;
const ms = (n: number) => Math.round(n);
memory.listening = rssMb();
cpu.listening = cpuMs();
log.info(
  {
    url: shown,
    database: database.kind,
    startupMs: {
      modules: ms(modulesLoadedAt),
      database: ms(databaseMs),
      seed: ms(seedMs),
      total: ms(performance.now()),
    },
    // RSS after each step: what the code, the embedded database and the seed each add.
    rssMb: memory,
    cpuMsAt: cpu,
  },
  'ResolutionFlow is listening',
);
printDemoSignIns(demo, shown, (line) => console.log(line));
// The assistant's knowledge index is built on first use (engine.ts): build it now that the health
// check answers, so that the first escalation or chat message does not wait for it; in slices, so
// that requests arriving meanwhile are answered between them.
setImmediate(() => {
  warmShippedEngineInSlices().then(
    ({ totalMs, longestMs }) =>
      log.info(
        {
          ms: Math.round(totalMs),
          longestBlockMs: Math.round(longestMs),
          prepared: SHIPPED_NOT_PREPARED === null,
          ...(SHIPPED_NOT_PREPARED ? { why: SHIPPED_NOT_PREPARED } : {}),
        },
        SHIPPED_NOT_PREPARED === null
          ? 'assistant knowledge index read from the build'
          : 'assistant knowledge index built',
      ),
    (err: unknown) => log.error({ err }, 'building the assistant knowledge index failed'),
  );
});
