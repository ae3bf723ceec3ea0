import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EventSink,
  endStream,
  MAX_BYTES_AFTER_REQUEST,
  openEventStream,
  socketOf,
} from './connection.js';

// A plain node:http server that answers every request with an event stream, the way the events
// route does after its checks: what openEventStream does to the connection, without the app.
let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function serve(takeOver: boolean) {
  const sinks: EventSink[] = [];
  const closed: EventSink[] = [];
  server = http.createServer((req, res) => {
    const sink = openEventStream(req, res, { takeOver });
    sink.write('event: ready\ndata: {}\n\n');
    sink.on('close', () => closed.push(sink));
    sinks.push(sink);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { port, sinks, closed };
}

/** A raw client: sends `request`, collects everything that comes back. */
function rawClient(port: number, request: string) {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  let ended = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
  });
  socket.on('end', () => {
    ended = true;
  });
  socket.on('error', () => {});
  socket.write(request);
  return {
    socket,
    text: () => text,
    ended: () => ended,
  };
}

const GET = 'GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n';

describe('openEventStream', () => {
  it('takes the connection over: a plain head, the events as written, its end by closing', async () => {
    const { port, sinks } = await serve(true);
    const c = rawClient(port, GET);
    await expect.poll(() => c.text()).toContain('event: ready');
    const [head, body] = c.text().split('\r\n\r\n') as [string, string];
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(head.toLowerCase()).toContain('content-type: text/event-stream; charset=utf-8');
    expect(head.toLowerCase()).toContain('connection: close');
    expect(head.toLowerCase()).not.toContain('transfer-encoding');
    expect(body).toBe('event: ready\ndata: {}\n\n'); // no chunk framing
    const sink = sinks[0]!;
    expect(socketOf(sink)).toBe(sink); // the socket itself
    sink.write('id: 1\nevent: x\ndata: {"a":1}\n\n');
    await expect.poll(() => c.text()).toContain('data: {"a":1}');
    endStream(sink);
    await expect.poll(() => c.ended()).toBe(true);
    c.socket.destroy();
  });

  it("sees a client's half-close, reset and extra bytes: the connection closes, nothing throws", async () => {
    const { port, sinks, closed } = await serve(true);
    const halfClose = rawClient(port, GET);
    await expect.poll(() => halfClose.text()).toContain('event: ready');
    // Bytes after the request (a pipelined request, or garbage) are read and dropped.
    halfClose.socket.write('GET /other HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001garbage');
    halfClose.socket.end(); // FIN, still reading
    await expect.poll(() => closed.length).toBe(1);
    expect(halfClose.text()).not.toContain('/other');

    const reset = rawClient(port, GET);
    await expect.poll(() => reset.text()).toContain('event: ready');
    reset.socket.resetAndDestroy();
    await expect.poll(() => closed.length).toBe(2);
    expect(sinks.every((s) => s.destroyed)).toBe(true);
  });

  it('cuts off a client that keeps sending after its request', async () => {
    const { port, closed } = await serve(true);
    const c = rawClient(port, GET);
    await expect.poll(() => c.text()).toContain('event: ready');
    c.socket.write(Buffer.alloc(MAX_BYTES_AFTER_REQUEST / 2, 'a'));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed.length).toBe(0); // a little is dropped, the stream stays
    c.socket.write(Buffer.alloc(MAX_BYTES_AFTER_REQUEST, 'a'));
    await expect.poll(() => closed.length).toBe(1);
  });

  it('keeps the stream on the HTTP response when asked (or when Node has no way to take it over)', async () => {
    const { port, sinks } = await serve(false);
    const c = rawClient(port, GET);
    await expect.poll(() => c.text()).toContain('event: ready');
    const head = c.text().split('\r\n\r\n')[0]!.toLowerCase();
    expect(head).toContain('transfer-encoding: chunked');
    expect(head).toContain('connection: keep-alive');
    const sink = sinks[0]!;
    expect(socketOf(sink)).not.toBe(sink);
    endStream(sink);
    await expect.poll(() => c.ended()).toBe(true);
    expect(c.text()).toMatch(/0\r\n\r\n$/); // the chunked body's end
    c.socket.destroy();
  });
});
