import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../db/client.js';
import { type Harness, makeTeam, startApp } from '../test/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.app.close();
  await h?.db.close().catch(() => {});
  h = null;
});

/** A port on 127.0.0.1 with nothing listening: a database server that is down. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function expectUnavailable(res: { status: number; headers: Headers; body: any }, what: string) {
  expect(res.status, what).toBe(503);
  expect(Number(res.headers.get('retry-after')), what).toBeGreaterThan(0);
  expect(res.body.error.code, what).toBe('unavailable');
  // Nothing about the driver, the database or the query reaches the client.
  expect(JSON.stringify(res.body), what).not.toMatch(/PGlite|pool|ECONN|select|database "|rf_t_/i);
}

describe('a database outage', () => {
  it('healthz tells anyone "unreachable" and nothing more', async () => {
    h = await startApp();
    const c = h.client();
    const ok = await c.get('/api/healthz');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, database: h.db.kind });

    await h.db.close();
    c.allow5xx = true;
    const down = await c.get('/api/healthz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ ok: false, database: 'unreachable' });
  });

  it('every kind of API request answers 503 unavailable with Retry-After, never 500', async () => {
    h = await startApp();
    const team = await makeTeam(h);
    const s = await team.junior.client.post('/api/sessions', {
      title: 'Printer offline',
      problem: 'Spooler',
    });
    expect(s.status).toBe(201);
    const sessionId = s.body.session.id;
    await h.db.close();

    const anon = h.client();
    const junior = team.junior.client;
    for (const c of [anon, junior]) c.allow5xx = true;
    const cases: [typeof anon, string, string, unknown?][] = [
      [anon, 'POST', '/api/auth/login', { email: 'x@example.test', password: 'whatever1' }],
      [
        anon,
        'POST',
        '/api/auth/signup',
        { accountName: 'A', name: 'B', email: 'b@example.test', password: 'longenough1' },
      ],
      [junior, 'GET', '/api/me'],
      [junior, 'GET', '/api/sessions'],
      [junior, 'GET', `/api/sessions/${sessionId}`],
      [
        junior,
        'POST',
        `/api/sessions/${sessionId}/steps`,
        { action: 'Restarted spooler', outcome: 'failed' },
      ],
      [junior, 'GET', '/api/handoffs'],
      [junior, 'GET', '/api/analytics/flowpilot/escalations'],
    ];
    for (const [client, method, path, body] of cases) {
      expectUnavailable(await client.req(method, path, body), `${method} ${path}`);
    }
  });

  it('a database server that is down (connection refused) answers 503 too', async () => {
    const down = await openPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/nothing`, {
      max: 2,
    });
    h = await startApp({ db: down });
    const c = h.client();
    c.allow5xx = true;
    expectUnavailable(
      await c.post('/api/auth/login', { email: 'x@example.test', password: 'whatever1' }),
      'login',
    );
    const health = await c.get('/api/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ ok: false, database: 'unreachable' });
    await down.close();
  });
});
