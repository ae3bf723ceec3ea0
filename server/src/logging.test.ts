import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from './features/auth/tokens.js';
import { createLogger, redactUrl } from './logging.js';
import { type Harness, makeTeam, startApp } from './test/harness.js';

/** A logger writing into memory, as the production one writes to stdout. */
function captureLog() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', stream: { write: (s: string) => void lines.push(s) } });
  return { logger, text: () => lines.join(''), entries: () => lines.map((l) => JSON.parse(l)) };
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.app.close();
  await h?.db.close().catch(() => {});
  h = null;
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

describe('secrets never reach the log', () => {
  it('a failing insert into users logs the SQL and the error code, not the e-mail or the password hash', async () => {
    const log = captureLog();
    h = await startApp({ logger: log.logger });
    // Every new user row now fails inside PostgreSQL, as a constraint added by a migration would.
    await h.db.db.execute(sql`alter table users add constraint users_reject_all check (false) not valid`);
    const email = `leak-${unique()}@example.test`;
    const password = `Sup3r-secret-${unique()}`;
    const c = h.client();
    c.allow5xx = true;
    const res = await c.post('/api/auth/signup', { accountName: 'Leak Co', name: 'Lee', email, password });
    expect(res.status).toBe(500);

    const failure = log.entries().find((e) => e.msg === 'unhandled error');
    expect(failure, log.text()).toBeDefined();
    // The entry is still useful: what failed, where, and which constraint.
    const causeCode = failure.err.code ?? failure.err.cause?.code;
    expect(causeCode).toBe('23514');
    expect(failure.err.query).toContain('insert into "users"');
    expect(failure.err.cause?.constraint ?? failure.err.constraint).toBe('users_reject_all');
    // And it holds none of the values that were bound to the query.
    const text = log.text();
    expect(text).not.toContain(email);
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/\$argon2/);
  });

  it('during a database outage neither the session token nor its hash nor sign-in details are logged', async () => {
    const log = captureLog();
    h = await startApp({ logger: log.logger });
    const team = await makeTeam(h);
    const token = decodeURIComponent(team.junior.client.cookie!.split('=')[1]!);
    await h.db.close();

    const me = h.client();
    me.cookie = team.junior.client.cookie;
    me.allow5xx = true;
    expect((await me.get('/api/me')).status).toBe(503);
    const email = `outage-${unique()}@example.test`;
    const password = `pw-${unique()}`;
    const login = h.client();
    login.allow5xx = true;
    expect((await login.post('/api/auth/login', { email, password })).status).toBe(503);

    const text = log.text();
    expect(log.entries().some((e) => e.msg === 'database unavailable')).toBe(true);
    for (const secret of [token, hashToken(token), email, password]) expect(text).not.toContain(secret);
  });

  it('invitation tokens stay out of the request log (they travel in the URL path)', async () => {
    const log = captureLog();
    h = await startApp({ logger: log.logger });
    const team = await makeTeam(h);
    const email = `invitee-${unique()}@example.test`;
    const inv = await team.admin.client.post('/api/invitations', { email, role: 'engineer', tier: 1 });
    expect(inv.status).toBe(201);
    const token: string = inv.body.token;
    expect((await h.client().get(`/api/invitations/${token}`)).status).toBe(200);
    const accept = await h
      .client()
      .post(`/api/invitations/${token}/accept`, { name: 'Ivy', password: 'long enough pw' });
    expect(accept.status).toBe(201);

    const urls = log
      .entries()
      .filter((e) => e.req?.url)
      .map((e) => e.req.url as string);
    expect(urls).toContain('/api/invitations/[redacted]');
    expect(urls).toContain('/api/invitations/[redacted]/accept');
    expect(log.text()).not.toContain(token);
  });

  it('known secret fields are redacted wherever they sit in a log entry', () => {
    const log = captureLog();
    log.logger.info(
      {
        password: 'p1',
        user: { passwordHash: 'h1', apiKey: 'k1' },
        req: { headers: { cookie: 'rf_session=abc', authorization: 'Bearer t1' } },
      },
      'x',
    );
    const text = log.text();
    for (const secret of ['p1', 'h1', 'k1', 'rf_session=abc', 'Bearer t1'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('redactUrl keeps the route and drops the token', () => {
    expect(redactUrl('/api/invitations/abc_DEF-123/accept?x=1')).toBe(
      '/api/invitations/[redacted]/accept?x=1',
    );
    expect(redactUrl('/invite/abc_DEF-123')).toBe('/invite/[redacted]');
    expect(redactUrl('/api/invitations')).toBe('/api/invitations');
    expect(redactUrl('/api/sessions/123')).toBe('/api/sessions/123');
  });
});
