import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../test/harness.js';

let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await startApp();
  team = await makeTeam(h);
});
afterAll(() => h.close());

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')] as [string, string];
      }),
  );
}

describe('security headers', () => {
  it('a Content-Security-Policy that allows scripts and styles from this origin only, and no framing', async () => {
    const res = await h.client().get('/api/healthz');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('on plain http: no HSTS and no upgrade-insecure-requests (there is no https to go to)', async () => {
    const res = await h.client().get('/api/healthz');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(directives(res.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(
      false,
    );
  });

  it('behind an https PUBLIC_URL: HSTS and upgrade-insecure-requests', async () => {
    const secure = await startApp({ env: { PUBLIC_URL: 'https://rf.example.com' } });
    try {
      const res = await secure.client().get('/api/healthz');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
      expect(directives(res.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(
        true,
      );
    } finally {
      await secure.close();
    }
  });
});

describe('the Origin check compares scheme, host and port', () => {
  const post = (origin: string) =>
    team.junior.client.req('POST', '/api/sessions', { title: 'Origin probe', problem: 'p' }, { origin });

  it('the same origin passes', async () => {
    expect((await post(h.url)).status).toBe(201);
  });

  it.each([
    ['another scheme, same host and port', (u: URL) => `https://${u.host}`],
    ['another port, same scheme and host', (u: URL) => `${u.protocol}//${u.hostname}:${Number(u.port) + 1}`],
    ['another host, same port', (u: URL) => `${u.protocol}//localhost:${u.port}`],
    ['an opaque origin', () => 'null'],
    ['not a URL', () => 'garbage'],
  ])('%s is refused with 403 cross_site', async (_name, make) => {
    const res = await post(make(new URL(h.url)));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site');
  });

  it("PUBLIC_URL's origin passes (the address users reach through a proxy); its other ports do not", async () => {
    const proxied = await startApp({ env: { PUBLIC_URL: 'https://rf.example.com' } });
    try {
      const t = await makeTeam(proxied);
      const send = (origin: string) =>
        t.junior.client.req('POST', '/api/sessions', { title: 'Via proxy', problem: 'p' }, { origin });
      expect((await send('https://rf.example.com')).status).toBe(201);
      expect((await send('https://rf.example.com:8443')).status).toBe(403);
      expect((await send('http://rf.example.com')).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});
