import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { type Harness, startApp } from '../test/harness.js';

// A built web app in miniature, compressed by the same build step as the real one.
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-static-'));
const script = `console.log(${JSON.stringify('ResolutionFlow '.repeat(400))});\n`;
const styles = `${'.card { color: var(--text); padding: 8px }\n'.repeat(100)}`;

let h: Harness;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(path.join(dist, 'assets/index-AbC123.js'), script);
  fs.writeFileSync(path.join(dist, 'assets/index-AbC123.css'), styles);
  fs.writeFileSync(path.join(dist, 'assets/index-AbC123.js.map'), '{"version":3,"sources":["secret.ts"]}');
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  execFileSync(process.execPath, [
    path.resolve(import.meta.dirname, '../../../scripts/compress-assets.mjs'),
    dist,
  ]);

  h = await startApp();
  app = await buildApp({ deps: h.deps, logger: false, webDist: dist });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await h.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

/** A raw GET: the body exactly as it went over the wire (fetch would decompress it). */
function get(p: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = http.get(
        `${base}${p}`,
        { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
    },
  );
}

describe('serving the web app', () => {
  it('hashed assets: brotli when the browser accepts it, cached for a year as immutable', async () => {
    const res = await get('/assets/index-AbC123.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(script);
    expect(res.body.length).toBeLessThan(script.length / 10);
  });

  it('gzip for a browser without brotli; the plain file for one without either', async () => {
    const gz = await get('/assets/index-AbC123.css', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/text\/css/);
    expect(zlib.gunzipSync(gz.body).toString()).toBe(styles);

    const plain = await get('/assets/index-AbC123.css');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(styles);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('index.html and the app routes (SPA fallback) are revalidated on every visit', async () => {
    for (const p of ['/', '/queue', '/sessions/123']) {
      const res = await get(p, 'br');
      expect(res.status, p).toBe(200);
      expect(res.headers['content-type'], p).toMatch(/text\/html/);
      expect(res.headers['cache-control'], p).toBe('no-cache');
      expect(res.body.toString(), p).toContain('<div id="root">');
    }
  });

  it('other public files (favicon) are revalidated too: their names carry no hash', async () => {
    const res = await get('/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('source maps and the compressed copies are never served by name', async () => {
    for (const p of [
      '/assets/index-AbC123.js.map',
      '/assets/index-AbC123.js.br',
      '/assets/index-AbC123.js.gz',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.body.toString(), p).not.toContain('secret.ts');
    }
  });

  it('an API path with doubled slashes is a JSON 404, not the app served as 200', async () => {
    for (const p of ['//api/sessions', '///api/healthz', '//api/']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toMatch(/json/);
    }
  });

  it("an old build's asset is a 404, not the app's HTML served as a script", async () => {
    const res = await get('/assets/index-Old999.js');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
  });

  it('pages carry the security headers too', async () => {
    const res = await get('/');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
