// First visit: what a browser downloads to show the sign-in page and, after signing in, the
// sessions list, with an empty cache; then the same again with a warm cache.
//
//   npm run bench:first-visit
//
// Starts the real server (`npm start`, compressed assets and cache headers as in production) on a
// fresh DATA_DIR with the demo seed, drives Debian's Chromium (/usr/bin/chromium) and counts the
// bytes on the wire (Chrome DevTools Protocol: encodedDataLength) and the bytes after decoding.
// Everything talks to 127.0.0.1 only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Row {
  url: string;
  type: string;
  status: number;
  wire: number;
  decoded: number;
  encoding: string;
}

/** Records every response of the page through the DevTools protocol. */
async function recorder(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const rows = new Map<string, Row>();
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    rows.set(e.requestId, {
      url: new URL(e.response.url).pathname,
      type: e.type,
      status: e.response.status,
      wire: 0,
      decoded: 0,
      encoding: h['content-encoding'] ?? (e.response.fromDiskCache ? 'cache' : '-'),
    });
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = rows.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = rows.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  return () => [...rows.values()];
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

function report(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  for (const r of rows) {
    console.log(
      `  ${String(r.status).padEnd(4)} ${r.type.padEnd(11)} ${r.encoding.padEnd(6)} ${kb(r.wire).padStart(10)} on the wire  ${kb(r.decoded).padStart(10)} decoded  ${r.url}`,
    );
  }
  const wire = rows.reduce((s, r) => s + r.wire, 0);
  const decoded = rows.reduce((s, r) => s + r.decoded, 0);
  console.log(`  total: ${rows.length} requests, ${kb(wire)} on the wire, ${kb(decoded)} decoded`);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-visit-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn('sh', ['-c', 'npm start'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    for (let i = 0; ; i++) {
      if (i > 1200) throw new Error('the server did not become healthy');
      const ok = await fetch(`${base}/api/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`First visit, measured with ${CHROMIUM} against \`npm start\` (Node ${process.version})`);
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    let rows = await recorder(page);
    await page.goto('/signin', { waitUntil: 'networkidle' });
    report('1. /signin, empty cache', rows());

    rows = await recorder(page);
    await page.getByLabel('Email').fill('sam@northwind.example');
    await page.getByLabel('Password').fill('demo-senior-pass');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/sessions$/);
    await page.waitForLoadState('networkidle');
    report('2. sign in and land on /sessions', rows());

    const again = await context.newPage();
    rows = await recorder(again);
    await again.goto('/queue', { waitUntil: 'networkidle' });
    report('3. a later visit (/queue in a new tab, warm cache)', rows());
  } finally {
    await browser.close();
    process.kill(-server.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
