import http from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
  /** `data` parsed as JSON (every event of ours is JSON). */
  json: any;
}

/**
 * A real Server-Sent Events reader over raw HTTP (the wire format, parsed as a browser does):
 * it keeps every event and counts comment lines (heartbeats). Tests can pause it to play a client
 * that stops reading.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  comments = 0;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** The body of a non-200 answer. */
  body = '';
  ended = false;
  readonly done: Promise<void>;
  private res: http.IncomingMessage | null = null;
  private req: http.ClientRequest | null = null;
  private buf = '';
  private waiters: (() => void)[] = [];
  private resolveDone!: () => void;

  private constructor() {
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  /** Opens the stream and resolves once the response head is in. */
  static open(
    base: string,
    opts: {
      cookie?: string | null;
      lastEventId?: number | string;
      query?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<SseReader> {
    const r = new SseReader();
    const headers: Record<string, string> = { accept: 'text/event-stream', ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
    return new Promise((resolve, reject) => {
      // No keep-alive agent: one stream, one socket, as a browser's EventSource has.
      const req = http.get(`${base}/api/events${opts.query ?? ''}`, { headers, agent: false }, (res) => {
        r.res = res;
        r.status = res.statusCode ?? 0;
        r.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (r.status !== 200) r.body += chunk;
          else r.feed(chunk);
        });
        const finish = () => {
          if (r.ended) return;
          r.ended = true;
          r.resolveDone();
          r.notify();
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
        resolve(r);
      });
      r.req = req;
      req.on('error', (err) => {
        if (!r.res) reject(err);
        else {
          r.ended = true;
          r.resolveDone();
          r.notify();
        }
      });
    });
  }

  private feed(chunk: string) {
    this.buf += chunk;
    let i = this.buf.indexOf('\n\n');
    while (i >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      this.parseBlock(block);
      i = this.buf.indexOf('\n\n');
    }
    this.notify();
  }

  private parseBlock(block: string) {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    let any = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') {
        data.push(value);
        any = true;
      }
    }
    if (!any) return; // a comment or a retry: line
    const text = data.join('\n');
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* keep null: the assertion shows the text */
    }
    this.events.push({ id, event, data: text, json });
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Events other than `ready`. */
  get changes() {
    return this.events.filter((e) => e.event !== 'ready');
  }

  /** Waits until `pred` holds (checked on every chunk), or fails after `ms`. */
  async until(pred: (r: SseReader) => boolean, ms = 5_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => [e.id, e.event]))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  ready(ms?: number) {
    return this.until((r) => r.events.some((e) => e.event === 'ready'), ms, 'ready');
  }

  /** Resolves with the first event of `type` (after `afterIndex`) whose JSON matches `pred`. */
  async next(type: string, pred: (json: any) => boolean = () => true, ms?: number): Promise<SseEvent> {
    let found: SseEvent | undefined;
    await this.until(
      (r) => {
        found = r.events.find((e) => e.event === type && pred(e.json));
        return found !== undefined;
      },
      ms,
      type,
    );
    return found!;
  }

  /** The client stops reading: the kernel buffers fill, then the server's. */
  pause() {
    this.res?.pause();
  }

  resume() {
    this.res?.resume();
  }

  close() {
    this.req?.destroy();
    this.res?.destroy();
  }
}
