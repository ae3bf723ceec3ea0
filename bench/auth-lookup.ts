/**
 * The session-cookie lookup that every API request makes (`authRepo.findAuthSession`): the shipped
 * named prepared statement against the same drizzle query built and sent unnamed on every call, as
 * it was before (PostgreSQL then parses and plans the three-table join each time).
 * Usage: npm run bench:auth-lookup            (embedded PGlite)
 *        BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:auth-lookup
 * Prints figures; it is not a timed test. Only talks to 127.0.0.1.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { accounts, authSessions, users } from '../server/src/db/schema.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { openBenchDb } from './bench-db.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2_000);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const { db, label, drop } = await openBenchDb('rf_bench_auth', { max: 1 });
  try {
    await authRepo.insertAccount(db.db, { id: 'acc-bench', name: 'Bench MSP' });
    await authRepo.insertUser(db.db, {
      id: 'user-bench',
      accountId: 'acc-bench',
      name: 'Sam Rivera',
      email: 'sam@bench.test',
      passwordHash: 'x',
      role: 'engineer',
    });
    const expiresAt = new Date(Date.now() + 3_600_000);
    await db.db
      .insert(authSessions)
      .values({ id: 'sess-bench', userId: 'user-bench', accountId: 'acc-bench', expiresAt });

    // The statement as it was: built by drizzle and sent unnamed on every call.
    const unprepared = async (id: string, now: Date) => {
      const [row] = await db.db
        .select({ session: authSessions, user: users, account: accounts })
        .from(authSessions)
        .innerJoin(users, eq(users.id, authSessions.userId))
        .innerJoin(accounts, eq(accounts.id, users.accountId))
        .where(and(eq(authSessions.id, id), gt(authSessions.expiresAt, now), isNull(users.deactivatedAt)));
      return row ?? null;
    };
    const variants: Array<[string, (id: string, now: Date) => Promise<unknown>]> = [
      ['built and sent unnamed on every call (before)', unprepared],
      ['named prepared statement (shipped)', (id, now) => authRepo.findAuthSession(db.db, id, now)],
    ];
    console.log(`Session-cookie lookup, ${label}; ${ROUNDS} lookups per variant, interleaved in 4 blocks`);
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}`);
    const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
    for (const [, f] of variants) {
      const found = await f('sess-bench', new Date());
      if (!found) throw new Error('the lookup found nothing');
      for (let i = 0; i < 200; i++) await f('sess-bench', new Date()); // warm-up
    }
    for (let block = 0; block < 4; block++) {
      for (const [name, f] of variants) {
        const t = times.get(name)!;
        for (let i = 0; i < ROUNDS / 4; i++) {
          const start = performance.now();
          await f('sess-bench', new Date());
          t.push(performance.now() - start);
        }
      }
    }
    for (const [name] of variants) {
      const t = times.get(name)!;
      const us = (x: number) => `${Math.round(x * 1000)} µs`;
      console.log(`  ${name.padEnd(48)} p50 ${us(pct(t, 50))}  p99 ${us(pct(t, 99))}`);
    }
  } finally {
    await drop();
  }
}

await main();
