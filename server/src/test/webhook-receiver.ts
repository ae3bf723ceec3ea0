import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface ReceivedHook {
  path: string;
  contentType: string;
  body: any;
}

let certs: { key: string; cert: string; certFile: string } | null = null;

/**
 * A throw-away certificate for 127.0.0.1 and localhost, made with openssl. Webhooks are https
 * only, so the test receiver must speak TLS; this process trusts the certificate the way a
 * server would trust an internal CA (NODE_EXTRA_CA_CERTS for child processes).
 */
export function testCertificate() {
  if (certs) return certs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-hook-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  certs = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
  const setDefault = (tls as unknown as { setDefaultCACertificates(c: string[]): void })
    .setDefaultCACertificates;
  const current = (tls as unknown as { getCACertificates(w: string): string[] }).getCACertificates('default');
  setDefault([...current, certs.cert]);
  return certs;
}

/** A real HTTPS server on 127.0.0.1 that records what chat webhooks would receive. */
export class WebhookReceiver {
  readonly hooks: ReceivedHook[] = [];
  /** The answer for the next requests (status and body), e.g. 404 `no_service` like Slack. */
  answer: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: 'ok' };

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const { key, cert } = testCertificate();
    let receiver: WebhookReceiver | null = null;
    const server = https.createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        receiver!.hooks.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
        res.writeHead(receiver!.answer.status, { 'content-type': 'text/plain', ...receiver!.answer.headers });
        res.end(receiver!.answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    return receiver;
  }

  url(p = '/hook') {
    return `https://127.0.0.1:${this.port}${p}`;
  }

  async waitFor(pred: (hooks: ReceivedHook[]) => boolean, timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs;
    while (!pred(this.hooks)) {
      if (Date.now() > until) throw new Error(`timed out waiting for webhooks; got ${this.hooks.length}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
