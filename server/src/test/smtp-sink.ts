import net from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as an SMTP server received it, with its parts decoded for assertions. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

/**
 * `up` accepts every mail; `down` listens nowhere (connection refused); `hang` accepts the TCP
 * connection and never says a word; `reject-temporary` / `reject-permanent` answer RCPT TO with
 * 451 / 550.
 */
export type SinkMode = 'up' | 'down' | 'hang' | 'reject-temporary' | 'reject-permanent';

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1 whose behaviour a test can switch. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** TCP connections accepted while hanging (a sender is stuck in them). */
  hangingConnections = 0;
  private server: SMTPServer | net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private current: SinkMode = 'down';

  private constructor(readonly port: number) {}

  static async start(mode: SinkMode = 'up'): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort());
    await sink.setMode(mode);
    return sink;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get mode() {
    return this.current;
  }

  async setMode(mode: SinkMode) {
    await this.stopListening();
    this.current = mode;
    if (mode === 'down') return;
    const server =
      mode === 'hang'
        ? net.createServer((socket) => {
            this.hangingConnections++;
            this.track(socket);
          })
        : this.smtpServer(mode);
    const raw = server instanceof SMTPServer ? (server as unknown as { server: net.Server }).server : server;
    raw.on('connection', (s: net.Socket) => this.track(s));
    // The port was free a moment ago; another process could grab it in between: retry briefly.
    for (let i = 0; ; i++) {
      try {
        await new Promise<void>((resolve, reject) => {
          raw.once('error', reject);
          server.listen(this.port, '127.0.0.1', () => {
            raw.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        if (i >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.server = server;
  }

  private smtpServer(mode: SinkMode) {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (mode === 'reject-temporary') {
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        }
        if (mode === 'reject-permanent') {
          return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.mails.push({
            ...parseMail(raw),
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            raw,
          });
          callback();
        });
      },
    });
  }

  private track(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }

  private async stopListening() {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `pred` holds for the received mail (polling; bounded). */
  async waitFor(pred: (mails: ReceivedMail[]) => boolean, timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs;
    while (!pred(this.mails)) {
      if (Date.now() > until) {
        throw new Error(`timed out waiting for mail; received ${this.mails.length}: ${this.describe()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  describe() {
    return this.mails.map((m) => `${m.to.join(',')} «${m.subject}»`).join('; ');
  }

  async close() {
    await this.stopListening();
  }
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// ---- a small MIME reader, enough for nodemailer's multipart/alternative output ----------------------

function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=(\s+(?==\?))?/g,
    (_m, _charset, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitHead(part: string): { headers: Map<string, string>; body: string } {
  const at = part.search(/\r?\n\r?\n/);
  const head = at < 0 ? part : part.slice(0, at);
  const body = at < 0 ? '' : part.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const enc = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

export function parseMail(raw: string): { subject: string; text: string; html: string } {
  const { headers, body } = splitHead(raw);
  const subject = decodeWords(headers.get('subject') ?? '');
  const type = headers.get('content-type') ?? 'text/plain';
  let text = '';
  let html = '';
  const boundary = type.match(/boundary="?([^";]+)"?/)?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1)
        .filter((p) => !p.startsWith('--'))
    : [raw];
  for (const p of parts) {
    const part = splitHead(p.replace(/^\r?\n/, ''));
    const ct = part.headers.get('content-type') ?? '';
    const decoded = decodeBody(part.headers, part.body).replace(/\r\n/g, '\n');
    if (ct.startsWith('text/plain')) text = decoded;
    else if (ct.startsWith('text/html')) html = decoded;
  }
  return { subject, text, html };
}
