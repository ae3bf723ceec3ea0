import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSessions, invitations, loginAttempts } from '../../db/schema.js';
import * as authRepo from '../../features/auth/repo.js';
import { newId } from '../../features/auth/tokens.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { purgeOnce, startHousekeeping } from './job.js';

const DAY = 86_400_000;
let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await startApp();
  team = await makeTeam(h);
});
afterAll(() => h.close());

/** Rows of each kind, some due for purging and some not, relative to `now`. */
async function plant(now: Date) {
  const at = (ms: number) => new Date(now.getTime() + ms);
  const session = async (expiresIn: number) => {
    const id = newId();
    await authRepo.insertAuthSession(h.db.db, {
      id,
      userId: team.junior.id,
      accountId: team.accountId,
      createdAt: at(-40 * DAY),
      expiresAt: at(expiresIn),
    });
    return id;
  };
  const attempt = async (ago: number) => {
    const email = `hk-${newId()}@example.test`;
    await authRepo.recordLoginAttempt(h.db.db, { email, ip: '127.0.0.9', success: false, at: at(-ago) });
    return email;
  };
  const invitation = async (expiresIn: number, acceptedAgo: number | null) => {
    const row = await authRepo.insertInvitation(h.db.db, {
      id: newId(),
      accountId: team.accountId,
      email: `inv-${newId()}@example.test`,
      role: 'viewer',
      tier: 1,
      tokenHash: newId(),
      invitedBy: team.admin.id,
      createdAt: at(-30 * DAY),
      expiresAt: at(expiresIn),
      acceptedAt: acceptedAgo === null ? null : at(-acceptedAgo),
    });
    return row.id;
  };
  return {
    sessions: { expired: [await session(-1000), await session(-3 * DAY)], live: [await session(DAY)] },
    attempts: { old: [await attempt(8 * DAY), await attempt(30 * DAY)], recent: [await attempt(60_000)] },
    invitations: {
      spent: [await invitation(-8 * DAY, null), await invitation(5 * DAY, 8 * DAY)],
      kept: [await invitation(3 * DAY, null), await invitation(-DAY, null), await invitation(5 * DAY, DAY)],
    },
  };
}

async function remaining(p: Awaited<ReturnType<typeof plant>>) {
  const db = h.db.db;
  const s = await db
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(inArray(authSessions.id, [...p.sessions.expired, ...p.sessions.live]));
  const a = await db
    .select({ email: loginAttempts.email })
    .from(loginAttempts)
    .where(inArray(loginAttempts.email, [...p.attempts.old, ...p.attempts.recent]));
  const i = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(inArray(invitations.id, [...p.invitations.spent, ...p.invitations.kept]));
  return {
    sessions: s.map((r) => r.id).sort(),
    attempts: a.map((r) => r.email).sort(),
    invitations: i.map((r) => r.id).sort(),
  };
}

describe('housekeeping', () => {
  it('purges expired sessions, week-old login attempts and invitations spent a week ago; keeps the rest', async () => {
    const now = new Date();
    const p = await plant(now);
    const counts = await purgeOnce({ db: h.db, clock: () => now });
    expect(counts.authSessions).toBeGreaterThanOrEqual(2);
    expect(counts.loginAttempts).toBeGreaterThanOrEqual(2);
    expect(counts.invitations).toBeGreaterThanOrEqual(2);
    expect(await remaining(p)).toEqual({
      sessions: [...p.sessions.live].sort(),
      attempts: [...p.attempts.recent].sort(),
      invitations: [...p.invitations.kept].sort(),
    });
    // The signed-in users' own sessions were live: they still work.
    expect((await team.junior.client.get('/api/me')).status).toBe(200);
  });

  it('works in bounded batches: a backlog larger than one run is finished by the next runs', async () => {
    const now = new Date();
    const emails: string[] = [];
    for (let i = 0; i < 25; i++) emails.push((await plant(now)).attempts.old[0]!);
    const opts = { batchSize: 4, maxBatches: 3 };
    const first = await purgeOnce({ db: h.db, clock: () => now }, opts);
    expect(first.loginAttempts).toBe(12); // 3 batches of 4: the run stops there
    let runs = 1;
    while ((await purgeOnce({ db: h.db, clock: () => now }, opts)).loginAttempts > 0 && runs < 20) runs++;
    const left = await h.db.db
      .select({ email: loginAttempts.email })
      .from(loginAttempts)
      .where(inArray(loginAttempts.email, emails));
    expect(left).toEqual([]);
  });

  it('runs on its timer, again and again, and stop() ends it (nothing purged afterwards)', async () => {
    const now = new Date();
    const lines: string[] = [];
    const log = { info: (o: unknown) => lines.push(JSON.stringify(o)), warn: () => {}, error: () => {} };
    const job = startHousekeeping({ db: h.db, clock: () => now }, log, { firstRunMs: 10, intervalMs: 50 });
    try {
      const first = await plant(now);
      await waitFor(async () => (await remaining(first)).sessions.length === 1);
      const second = await plant(now); // planted after the first run: only a later run removes them
      await waitFor(async () => (await remaining(second)).sessions.length === 1);
    } finally {
      await job.stop();
    }
    const afterStop = await plant(now);
    await new Promise((r) => setTimeout(r, 300));
    expect((await remaining(afterStop)).sessions).toHaveLength(3);
    expect(lines.some((l) => l.includes('authSessions'))).toBe(true);
    await purgeOnce({ db: h.db, clock: () => now }); // leave nothing due for other tests
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out waiting for the housekeeping run');
}
