/**
 * The floor for bench/fanout.ts: the least a Server-Sent Events broadcaster can do on node:http.
 * No database, no authentication, no framework. `GET /events?account=A` holds a stream; `POST
 * /escalate` with `{accountId, data}` writes `data` as one event to every stream of that account,
 * then answers 201. Started by the benchmark as its own process; prints its port.
 */
import http from 'node:http';

const streams = new Map<string, Set<http.ServerResponse>>();
let seq = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/events') {
    const account = url.searchParams.get('account') ?? '';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.socket?.setNoDelay(true);
    res.write(`id: ${seq}\nevent: ready\ndata: {"seq":${seq}}\n\n`);
    const set = streams.get(account) ?? new Set<http.ServerResponse>();
    streams.set(account, set);
    set.add(res);
    res.on('close', () => set.delete(res));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/escalate') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const { accountId, data } = JSON.parse(body) as { accountId: string; data: string };
      const frame = Buffer.from(`id: ${++seq}\nevent: handoff.created\ndata: ${data}\n\n`);
      for (const s of streams.get(accountId) ?? []) s.write(frame);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${(server.address() as { port: number }).port}`);
});
process.on('SIGTERM', () => {
  for (const set of streams.values()) for (const s of set) s.destroy();
  server.close(() => process.exit(0));
});
