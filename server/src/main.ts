import { buildApp } from './app.js';
import type { Config } from './config.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import type { Deps } from './deps.js';
import { createAssistant } from './features/assistant/assistant.js';
import { LiveHub } from './features/live/hub.js';
import { demoInfo, isEmpty, printDemoSignIns, seedDemo } from './seed.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`ResolutionFlow cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const clock = () => new Date();
const live = new LiveHub(database, clock);
const deps: Deps = {
  db: database,
  config,
  clock,
  assistant: createAssistant({ llm: config.ai }),
  afterCommit: (what) => live.publish(what),
};

// The demo seed runs on an empty embedded database unless SEED_DEMO=false; against a server
// (DATABASE_URL) only when SEED_DEMO=true is set explicitly.
const wantSeed = config.databaseUrl ? process.env.SEED_DEMO === 'true' : config.seedDemo;
if (wantSeed && (await isEmpty(deps))) await seedDemo(deps);
const demo = config.seedDemo ? await demoInfo(deps) : { demo: false, signIns: [] };

const app = await buildApp({ deps, demo, live });
const url = await app.listen({ port: config.port, host: config.host });
const shown = config.publicUrl ?? `http://localhost:${(app.server.address() as { port: number }).port}`;
app.log.info({ url, database: database.kind }, 'ResolutionFlow is listening');
printDemoSignIns(demo, shown, (line) => console.log(line));

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  });
}
