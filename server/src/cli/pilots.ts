/**
 * `npm run pilots -- --weeks 8 [--json]`: the pilot scorecard for the people who run
 * ResolutionFlow. Reads the database the server uses (DATABASE_URL, or the embedded one in
 * DATA_DIR), read-only, and never waits on a server that holds the embedded folder: it says so
 * in one line instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { type Database, openPglite, openPostgres } from '../db/client.js';
import { findHolder, type Holder, takeLock } from '../db/pglite-holder.js';
import { buildScorecard, formatScorecard, MAX_WEEKS } from '../features/analytics/scorecard.js';
import { terminalSafe, terminalSafeOutput } from './terminal-text.js';

const USAGE = `Usage: npm run pilots -- [--weeks N] [--json]
  --weeks N   the window: the last N weeks (1 to ${MAX_WEEKS}; default 8)
  --json      print the scorecard as JSON
Reads DATABASE_URL, or the embedded database in DATA_DIR (default ./data).`;

class CliError extends Error {}

function parseArgs(argv: string[]) {
  let weeks = 8;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') return { help: true as const };
    else if (a === '--weeks' || a.startsWith('--weeks=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_WEEKS)
        throw new CliError(
          `--weeks must be a whole number of weeks from 1 to ${MAX_WEEKS} (got ${v ?? 'nothing'})`,
        );
      weeks = Number(v);
    } else throw new CliError(`unknown option ${a} (try --help)`);
  }
  return { weeks, json };
}

const busy = (dir: string, h: Holder) =>
  `The embedded database in ${dir} is in use by a running ResolutionFlow server (pid ${h.pid}, found by its ${h.via}). ` +
  'Stop that server and run this again, or point DATABASE_URL at PostgreSQL: an embedded database can be opened by one process at a time.';

async function open(): Promise<{ db: Database; release: () => void }> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl, { max: 1 });
    try {
      const res = (await db.db.execute("select to_regclass('public.accounts') as t")) as unknown as {
        rows: { t: string | null }[];
      };
      if (!res.rows[0]?.t)
        throw new CliError(
          'DATABASE_URL has no ResolutionFlow tables yet: start the server once to create them.',
        );
    } catch (err) {
      await db.close();
      if (err instanceof CliError) throw err;
      throw new CliError(`Cannot read DATABASE_URL: ${(err as Error).message}`);
    }
    return { db, release: () => {} };
  }
  const dir = path.join(config.dataDir, 'pglite');
  if (!fs.existsSync(path.join(dir, 'PG_VERSION')))
    throw new CliError(
      `No ResolutionFlow database in ${dir}: start the server once (npm start), or set DATA_DIR or DATABASE_URL.`,
    );
  const holder = findHolder(config.dataDir);
  if (holder) throw new CliError(busy(dir, holder));
  // Keep a server that honours the lock from opening the folder while it is read here.
  const lock = takeLock(config.dataDir);
  if ('holder' in lock) throw new CliError(busy(dir, lock.holder));
  try {
    return { db: await openPglite({ dataDir: dir }), release: lock.release };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    console.log(USAGE);
    return 0;
  }
  const { db, release } = await open();
  const stop = () => {
    release();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const card = await buildScorecard(db.db, { weeks: args.weeks, now: new Date() });
    // Account names are written by tenants: escaped before the table measures its columns, and
    // the whole output once more, so nothing a tenant typed can drive the operator's terminal.
    const out = args.json
      ? `${JSON.stringify(card, null, 2)}\n`
      : formatScorecard({
          ...card,
          accounts: card.accounts.map((a) => ({ ...a, name: terminalSafe(a.name) })),
        });
    process.stdout.write(terminalSafeOutput(out));
    return 0;
  } finally {
    await db.close();
    release();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // One line, never a stack trace: this is an operator's command.
    console.error(`pilots: ${terminalSafe(err instanceof CliError ? err.message : (err as Error).message)}`);
    process.exitCode = 1;
  },
);
