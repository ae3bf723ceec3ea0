import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * Where an event stream's bytes go. Normally the connection itself, taken over from node:http once
 * the request is answered (decision 031); the HTTP response only where that is not possible.
 */
export type EventSink = Socket | ServerResponse;

/** The stream's response headers (the body is the event stream). */
const HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Reverse proxies (nginx) would otherwise buffer the stream.
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

/** The head written on a connection that is taken over: the body ends when the connection does. */
const TAKEN_OVER_HEAD = Buffer.from(
  `HTTP/1.1 200 OK\r\n${Object.entries({ ...HEADERS, connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`,
);

type FreeParser = (parser: unknown, req: unknown, socket: unknown) => void;

/**
 * node:http's own helper that frees a connection's parser, as it does when a connection is
 * upgraded (a WebSocket). Internal to Node: if it is ever gone, streams stay on the HTTP response.
 */
const freeParser: FreeParser | null = (() => {
  try {
    const common = createRequire(import.meta.url)('_http_common') as { freeParser?: unknown };
    return typeof common.freeParser === 'function' ? (common.freeParser as FreeParser) : null;
  } catch {
    return null;
  }
})();

/** What a client may send on a stream's connection after its request before it is cut off. */
export const MAX_BYTES_AFTER_REQUEST = 64 * 1024;

/** node:http's listeners on a connection (`bound socketOnData`, `onSocketResume`, …); others stay. */
const HTTP_SOCKET_LISTENER = /^(bound )?(socketOn|onSocket)[A-Z][a-z]+$/;

/** The name of the listener `setupResponseListeners` adds in fastify/lib/reply.js (Fastify 5). */
export const FASTIFY_RESPONSE_LISTENER = 'onResFinished';

/** Removes the listeners of `events` whose function name passes `test`. */
function removeListenersNamed(
  emitter: EventEmitter,
  events: readonly (string | symbol)[],
  test: (name: string) => boolean,
) {
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (test(listener.name)) emitter.removeListener(event, listener as () => void);
    }
  }
}

/**
 * Answers an event-stream request whose reply is hijacked (from a Fastify route or a plain
 * node:http handler), and returns where to write the events.
 *
 * node:http keeps a parser (native memory), the request, the response and a set of bound listeners
 * for every connection until it closes, so that it can parse the next request on it. A connection
 * that carries an event stream never carries another request, so, as node:http itself does for an
 * upgraded connection, the stream takes the connection over: the parser is freed and the HTTP
 * objects go. Measured on a bare server: 16.2 → 6.3 KiB of RSS per held connection
 * (docs/BENCHMARKS.md). The body is then delimited by the connection's end (`connection: close`),
 * which EventSource and proxies read as they read a chunked one.
 *
 * `takeOver: false` (or a Node without the helper) keeps the stream on the HTTP response.
 */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { takeOver?: boolean } = {},
): EventSink {
  // Fastify listens for the response's end to log "request completed", and that listener holds the
  // request, the reply, their child logger and the signed-in user for as long as the response
  // lives: for a stream, hours. The hub owns the stream's end, so the listener goes (about 2 KB per
  // stream); Node's own listeners stay.
  removeListenersNamed(res, ['finish', 'error'], (name) => name === FASTIFY_RESPONSE_LISTENER);
  const socket = req.socket as Socket & { parser?: unknown };
  const parser = socket.parser;
  if ((opts.takeOver ?? true) && freeParser && parser && res.socket === socket && !socket.destroyed) {
    removeListenersNamed(socket, socket.eventNames(), (name) => HTTP_SOCKET_LISTENER.test(name));
    res.detachSocket(socket);
    freeParser(parser, req, socket);
    socket.setTimeout(0);
    // What node:http did for it: errors and the client's end close the connection. A client sends
    // nothing after its request; anything it does send is read and dropped, so that its end is
    // seen, and a client that keeps sending is cut off.
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
    let extra = 0;
    socket.on('data', (chunk: Buffer) => {
      extra += chunk.length;
      if (extra > MAX_BYTES_AFTER_REQUEST) socket.destroy();
    });
    socket.resume();
    socket.setNoDelay(true);
    socket.write(TAKEN_OVER_HEAD);
    return socket;
  }
  res.writeHead(200, { ...HEADERS, connection: 'keep-alive' });
  res.socket?.setNoDelay(true);
  return res;
}

/** The connection under a sink (null once it is gone). */
export const socketOf = (sink: EventSink): Socket | null => ('detachSocket' in sink ? sink.socket : sink);

/** Ends a stream cleanly: the client sees it finish, and the connection is not used again. */
export function endStream(sink: EventSink) {
  if ('detachSocket' in sink) {
    // The response said keep-alive when its head went out: close the connection after the body.
    const socket = sink.socket;
    sink.end(() => socket?.end());
  } else {
    sink.end();
  }
}
