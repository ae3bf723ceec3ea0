import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, PASSWORD, type Res, startApp, type Team } from '../../test/harness.js';
import { DEFAULT_POLICIES } from '../rate-limit/policy.js';
import { purgeIdleBuckets } from '../rate-limit/repo.js';
import { passwordChecksSoFar } from './password.js';

// Behind a proxy, so each request can come "from" its own address (X-Forwarded-For).
let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await startApp({ env: { TRUST_PROXY: 'true' } });
  team = await makeTeam(h, 'Limit Co');
});
afterAll(() => h.close());

const PAIR_FREE = DEFAULT_POLICIES.loginPair.free;
const EMAIL_FREE = DEFAULT_POLICIES.loginEmail.free;

let lastOctet = 0;
/** A fresh client address per scenario, so scenarios do not share address buckets. */
const freshAddress = () => `10.${Math.floor(++lastOctet / 250)}.${lastOctet % 250}.1`;

const login = (email: string, password: string, from: string) => {
  const c = h.client();
  return c
    .req('POST', '/api/auth/login', { email, password }, { 'x-forwarded-for': from })
    .then((res) => ({ res, signedIn: c.cookie !== null }));
};

async function member() {
  const t = await makeTeam(h, 'Burst Co');
  return t.viewer;
}

/** Waits (bounded) until the process has started `n` more password checks than `base`. */
async function checksStarted(base: number, n: number) {
  for (let i = 0; i < 400 && passwordChecksSoFar() - base < n; i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(passwordChecksSoFar() - base).toBeGreaterThanOrEqual(n);
}

function expectLimited(res: Res) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('parallel guesses: the attempt is counted before the password is checked', () => {
  // The server's clock stands still during a burst: otherwise, in a burst that lasts longer than
  // the first delay (1 s), one more guess is let through after it, as it should be.
  beforeEach(() => h.setNow(new Date()));
  afterEach(() => h.setNow(null));

  for (const n of [100, 300]) {
    it(`${n} parallel wrong guesses from one address get exactly ${PAIR_FREE} password checks`, async () => {
      const victim = await member();
      const from = freshAddress();
      const before = passwordChecksSoFar();
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => login(victim.email, `wrong-guess-${i}`, from)),
      );
      expect(passwordChecksSoFar() - before).toBe(PAIR_FREE);
      expect(results.filter((r) => r.res.status === 401)).toHaveLength(PAIR_FREE);
      const limited = results.filter((r) => r.res.status === 429);
      expect(limited).toHaveLength(n - PAIR_FREE);
      for (const r of limited) expectLimited(r.res);
      expect(results.some((r) => r.signedIn)).toBe(false);
    });
  }

  it(`${300} parallel wrong guesses from ${300} addresses get at most ${EMAIL_FREE} checks (the e-mail's own limit)`, async () => {
    const victim = await member();
    const before = passwordChecksSoFar();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(victim.email, `spread-${i}`, freshAddress())),
    );
    expect(passwordChecksSoFar() - before).toBe(EMAIL_FREE);
    expect(results.filter((r) => r.res.status === 401)).toHaveLength(EMAIL_FREE);
    expect(results.filter((r) => r.res.status === 429)).toHaveLength(300 - EMAIL_FREE);
  });

  it('30 wrong guesses and the right password in one burst: the right one does not sign in', async () => {
    const victim = await member();
    const from = freshAddress();
    const before = passwordChecksSoFar();
    const wrong = Array.from({ length: 30 }, (_, i) => login(victim.email, `burst-${i}`, from));
    // The guesses are in flight and have taken every check there was; now the right one arrives.
    await checksStarted(before, PAIR_FREE);
    const right = await login(victim.email, PASSWORD, from);
    const all = await Promise.all(wrong);
    expectLimited(right.res);
    expect(right.signedIn).toBe(false);
    expect(all.some((r) => r.signedIn)).toBe(false);
    expect(passwordChecksSoFar() - before).toBe(PAIR_FREE);
  });
});

describe('growing delays instead of a lockout', () => {
  it("someone else's guesses from another address do not lock the real user out", async () => {
    const victim = await member();
    const attacker = freshAddress();
    for (let i = 0; i < PAIR_FREE; i++) {
      expect((await login(victim.email, `guess-${i}`, attacker)).res.status).toBe(401);
    }
    expectLimited((await login(victim.email, 'guess-again', attacker)).res);
    // The real user, at their own address, signs in at once: no 15-minute lockout, no wait.
    const real = await login(victim.email, PASSWORD, freshAddress());
    expect(real.res.status).toBe(200);
    expect(real.signedIn).toBe(true);
    // The guesser is still made to wait.
    expectLimited((await login(victim.email, PASSWORD, attacker)).res);
  });

  it('each further failure doubles the wait; waiting it out lets one more attempt through', async () => {
    const victim = await member();
    const from = freshAddress();
    const t0 = Date.now();
    try {
      h.setNow(new Date(t0));
      for (let i = 0; i < PAIR_FREE; i++) {
        expect((await login(victim.email, `typo-${i}`, from)).res.status).toBe(401);
      }
      let clock = t0;
      const waits: number[] = [];
      for (let round = 0; round < 4; round++) {
        const limited = (await login(victim.email, 'typo-again', from)).res;
        expectLimited(limited);
        const wait = Number(limited.headers.get('retry-after'));
        waits.push(wait);
        // Hammering during the wait is refused and does not make the wait longer.
        h.setNow(new Date(clock + 500));
        const again = (await login(victim.email, 'typo-again', from)).res;
        expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(wait);
        clock += wait * 1000;
        h.setNow(new Date(clock));
        expect((await login(victim.email, `late-${round}`, from)).res.status).toBe(401);
      }
      expect(waits).toEqual([1, 2, 4, 8]);
      // After the wait, the right password signs in and clears the e-mail's count.
      const limited = (await login(victim.email, PASSWORD, from)).res;
      clock += Number(limited.headers.get('retry-after')) * 1000;
      h.setNow(new Date(clock));
      expect((await login(victim.email, PASSWORD, from)).res.status).toBe(200);
      expect((await login(victim.email, 'one-more-typo', from)).res.status).toBe(401);
    } finally {
      h.setNow(null);
    }
  });

  it('failures are forgotten over time: a typo a day never adds up', async () => {
    const victim = await member();
    const from = freshAddress();
    const t0 = Date.now();
    try {
      for (let day = 0; day < PAIR_FREE * 3; day++) {
        h.setNow(new Date(t0 + day * 86_400_000));
        expect((await login(victim.email, `monday-${day}`, from)).res.status).toBe(401);
      }
    } finally {
      h.setNow(null);
    }
  });

  it('one address spraying many e-mails is slowed down; an office behind it waits seconds, not minutes', async () => {
    const office = await startApp({
      env: { TRUST_PROXY: 'true' },
      rateLimits: { loginIp: { ...DEFAULT_POLICIES.loginIp, free: 4 } },
    });
    try {
      const t = await makeTeam(office, 'NAT Co');
      const nat = '192.0.2.10';
      const c = () => office.client();
      for (let i = 0; i < 4; i++) {
        const r = await c().req(
          'POST',
          '/api/auth/login',
          { email: `sprayed-${i}@example.test`, password: 'Summer2026!' },
          { 'x-forwarded-for': nat },
        );
        expect(r.status).toBe(401);
      }
      const colleague = await c().req(
        'POST',
        '/api/auth/login',
        { email: t.senior.email, password: PASSWORD },
        { 'x-forwarded-for': nat },
      );
      expectLimited(colleague);
      expect(Number(colleague.headers.get('retry-after'))).toBe(1);
      office.setNow(new Date(Date.now() + 1500));
      const after = await c().req(
        'POST',
        '/api/auth/login',
        { email: t.senior.email, password: PASSWORD },
        { 'x-forwarded-for': nat },
      );
      expect(after.status).toBe(200);
      // Another address is not affected at all.
      const elsewhere = await c().req(
        'POST',
        '/api/auth/login',
        { email: t.junior.email, password: PASSWORD },
        { 'x-forwarded-for': '198.51.100.7' },
      );
      expect(elsewhere.status).toBe(200);
    } finally {
      await office.close();
    }
  });

  it('successful sign-ins do not count against their address', async () => {
    const from = freshAddress();
    for (let i = 0; i < DEFAULT_POLICIES.loginIp.free + 5; i++) {
      const who = [team.owner, team.admin, team.senior][i % 3]!;
      expect((await login(who.email, PASSWORD, from)).res.status).toBe(200);
    }
  });
});

describe('housekeeping', () => {
  it('buckets idle for a day are purged; recent ones are kept', async () => {
    const victim = await member();
    expect((await login(victim.email, 'one-typo', freshAddress())).res.status).toBe(401);
    expect(await purgeIdleBuckets(h.db.db, new Date())).toBe(0);
    const purged = await purgeIdleBuckets(h.db.db, new Date(Date.now() + 2 * 86_400_000));
    expect(purged).toBeGreaterThanOrEqual(3);
    expect(await purgeIdleBuckets(h.db.db, new Date(Date.now() + 2 * 86_400_000))).toBe(0);
  });
});

describe('sign-up and the assistant are rate-limited', () => {
  it('sign-ups from one address: the ones over the limit answer 429 with Retry-After, before any hashing', async () => {
    const app = await startApp({ rateLimits: { signup: { ...DEFAULT_POLICIES.signup, free: 3 } } });
    try {
      const signup = (i: number) =>
        app.client().post('/api/auth/signup', {
          accountName: `Flood ${i}`,
          name: 'F',
          email: `flood-${i}-${Date.now()}@example.test`,
          password: 'longenough1',
        });
      // A form error costs nothing and is not counted.
      expect((await app.client().post('/api/auth/signup', { accountName: 'x' })).status).toBe(400);
      const results = await Promise.all([0, 1, 2, 3, 4, 5].map(signup));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toHaveLength(3);
      for (const r of limited) expectLimited(r);
      expect(limited[0]!.body.error.message).toMatch(/Try again in \d+ seconds?\./);
    } finally {
      await app.close();
    }
  });

  it('assistant messages per user: over the limit is a 429 with Retry-After; a teammate is not affected', async () => {
    const app = await startApp({ rateLimits: { assistant: { ...DEFAULT_POLICIES.assistant, free: 3 } } });
    try {
      const t = await makeTeam(app, 'Chatty Co');
      const s = await t.junior.client.post('/api/sessions', { title: 'VPN drops', problem: 'Every hour' });
      const ask = (who: typeof t.junior, i: number) =>
        who.client.post(`/api/sessions/${s.body.session.id}/assistant/messages`, { text: `question ${i}` });
      // The server's clock stands still during the burst (as for the sign-in bursts above): the
      // first message builds the assistant's index, and on a loaded machine the burst can outlast
      // the first delay (1 s), after which one more message is let through, as it should be.
      app.setNow(new Date());
      const results = await Promise.all([0, 1, 2, 3, 4].map((i) => ask(t.junior, i)));
      app.setNow(null);
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      for (const r of results.filter((x) => x.status !== 201)) expectLimited(r);
      // Limited messages were not stored: the timeline has exactly the three that passed.
      const timeline = (await t.junior.client.get(`/api/sessions/${s.body.session.id}`)).body.session
        .timeline as { kind: string }[];
      expect(timeline.filter((e) => e.kind === 'assistant_user')).toHaveLength(3);
      // The admin (another user) may still write to the session's chat.
      expect((await ask(t.admin, 9)).status).toBe(201);
    } finally {
      await app.close();
    }
  });

  it("the assistant's reads per user (suggestions, note previews): over the limit is a 429; a teammate is not affected", async () => {
    const app = await startApp({
      rateLimits: { assistantRead: { ...DEFAULT_POLICIES.assistantRead, free: 3 } },
    });
    try {
      const t = await makeTeam(app, 'Busy Co');
      const s = await t.junior.client.post('/api/sessions', { title: 'VPN drops', problem: 'Every hour' });
      const id = s.body.session.id as string;
      const results = await Promise.all(
        [0, 1, 2, 3, 4].map(() => t.viewer.client.get(`/api/sessions/${id}/suggestions`)),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      for (const r of results.filter((x) => x.status !== 200)) expectLimited(r);
      // Previews count in the same bucket, per user: the junior has their own.
      const previews = await Promise.all(
        [0, 1, 2, 3].map(() =>
          t.junior.client.post(`/api/sessions/${id}/notes/preview`, { kind: 'resolution' }),
        ),
      );
      expect(previews.filter((r) => r.status === 200)).toHaveLength(3);
      for (const r of previews.filter((x) => x.status !== 200)) expectLimited(r);
      expect((await t.admin.client.get(`/api/sessions/${id}/suggestions`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('invitations per account: over the limit is a 429 before any e-mail is written; another account is not affected', async () => {
    const app = await startApp({ rateLimits: { invitation: { ...DEFAULT_POLICIES.invitation, free: 3 } } });
    try {
      const t = await makeTeam(app, 'Inviting Co');
      const other = await makeTeam(app, 'Other Co');
      const invite = (who: typeof t.admin, i: number) =>
        who.client.post('/api/invitations', { email: `new${i}@invite.test`, role: 'viewer', tier: 1 });
      const results = await Promise.all([0, 1, 2, 3, 4].map((i) => invite(t.admin, i)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      for (const r of results.filter((x) => x.status !== 201)) expectLimited(r);
      // Only the three that passed exist (and were mailed).
      expect((await t.admin.client.get('/api/invitations')).body.invitations).toHaveLength(3);
      expect((await invite(other.admin, 9)).status).toBe(201);
    } finally {
      await app.close();
    }
  });
});
