import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Ask the OS for a free port (synchronously, since the config is synchronous). */
function freePort(): string {
  return execFileSync(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
    ],
    { encoding: 'utf8' },
  ).trim();
}

// The config is evaluated again in every worker; the environment carries the first choice over.
process.env.E2E_PORT ??= freePort();
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'rf-e2e-'));
// A throw-away certificate for the chat-webhook receiver that notifications.spec.ts runs on
// 127.0.0.1: the server trusts it like an internal CA (NODE_EXTRA_CA_CERTS).
if (!process.env.E2E_WEBHOOK_CERT) {
  const key = path.join(process.env.E2E_DATA_DIR, 'webhook-key.pem');
  const cert = path.join(process.env.E2E_DATA_DIR, 'webhook-cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ],
    { stdio: 'ignore' },
  );
  process.env.E2E_WEBHOOK_KEY = key;
  process.env.E2E_WEBHOOK_CERT = cert;
}
// The ConnectWise integration's clientId: the server sends it, psa.spec.ts's stand-in checks it.
process.env.E2E_CW_CLIENT_ID ??= '5f0c7e1a-2b3d-4c8e-9a6f-e2e000000001';
const port = process.env.E2E_PORT;
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: here,
  testMatch: '**/*.spec.ts',
  outputDir: path.join(here, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 45_000,
  expect: { timeout: 8_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
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
    },
  },
  webServer: {
    // The real server, started as `npm start` starts it (the compiled output), serving the freshly
    // built web app, on a fresh embedded database.
    command: 'npm run build && npm start',
    cwd: path.resolve(here, '..'),
    url: `${baseURL}/api/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: port,
      HOST: '127.0.0.1',
      DATA_DIR: process.env.E2E_DATA_DIR,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: baseURL,
      // The webhook receiver of notifications.spec.ts listens on 127.0.0.1.
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      NODE_EXTRA_CA_CERTS: process.env.E2E_WEBHOOK_CERT,
      // psa.spec.ts and contract.spec.ts run a ConnectWise stand-in on http://127.0.0.1 (allowed by
      // ALLOW_PRIVATE_WEBHOOKS above); no SECRETS_KEY: the key is generated into DATA_DIR.
      CW_CLIENT_ID: process.env.E2E_CW_CLIENT_ID,
    },
  },
});
