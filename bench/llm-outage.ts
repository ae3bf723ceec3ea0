/**
 * A slow or dead LLM must not slow escalations or chat (issue 13, item 16). Over real HTTP, with
 * the default LLM settings (chat timeout 2.5 s, background assessment timeout 20 s, breaker after
 * 3 failures for 60 s), against OpenAI-compatible endpoints on 127.0.0.1 that hang, answer 500,
 * or answer garbage, and without an LLM for comparison, it prints:
 *   - escalation latency p50/p99 (BENCH_ESCALATIONS, default 200, one session each)
 *   - chat message latency p50/p99 and the slowest (BENCH_CHATS, default 20, one after another)
 * Usage: npm run bench:llm-outage            (embedded PGlite; BENCH_MODES="hangs,no LLM" for some)
 * Prints figures; it is not a timed test. Only talks to 127.0.0.1.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { migrateDatabase, openPglite } from '../server/src/db/client.js';
import type { Deps } from '../server/src/deps.js';
import { createAssistant } from '../server/src/features/assistant/assistant.js';
import { hashPassword } from '../server/src/features/auth/password.js';
import * as authRepo from '../server/src/features/auth/repo.js';
import { createSession } from '../server/src/features/sessions/service.js';
import { Client } from '../server/src/test/harness.js';

const N = Number(process.env.BENCH_ESCALATIONS ?? 200);
const CHATS = Number(process.env.BENCH_CHATS ?? 20);

type Mode = 'no LLM' | 'hangs' | 'answers 500' | 'answers garbage';

async function fakeLlm(mode: Exclude<Mode, 'no LLM'>) {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      open.add(res);
      res.on('close', () => open.delete(res));
      if (mode === 'hangs') return;
      res.writeHead(mode === 'answers 500' ? 500 : 200, { 'content-type': 'application/json' });
      res.end(
        mode === 'answers 500'
          ? '{"error":{"message":"overloaded"}}'
          : JSON.stringify({ choices: [{ message: { content: 'Sure! Probably DNS.' } }] }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function run(mode: Mode) {
  const llm = mode === 'no LLM' ? null : await fakeLlm(mode);
  const db = await openPglite();
  await migrateDatabase(db);
  const deps: Deps = {
    db,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    clock: () => new Date(),
    assistant: createAssistant({
      llm: llm ? { baseUrl: llm.baseUrl, model: 'bench-model' } : null,
      logger: { warn: () => {} },
    }),
    afterCommit: () => {},
  };
  const app = await buildApp({ deps, logger: false, webDist: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const accountId = crypto.randomUUID();
  await authRepo.insertAccount(db.db, { id: accountId, name: 'Bench MSP' });
  const user = await authRepo.insertUser(db.db, {
    id: crypto.randomUUID(),
    accountId,
    name: 'Jo Junior',
    email: 'jo@bench.test',
    passwordHash: await hashPassword('bench-password'),
    role: 'engineer',
    tier: 1,
  });
  const c = new Client(url);
  await c.post('/api/auth/login', { email: 'jo@bench.test', password: 'bench-password' });
  const actor = { ...user };
  const sessions: string[] = [];
  for (let i = 0; i < N + 1; i++) {
    const s = await createSession(deps, actor, {
      title: `Outlook prompts ${i}`,
      problem: 'Password prompts',
    });
    sessions.push(s.id);
  }

  const chatTimes: number[] = [];
  for (let i = 0; i < CHATS; i++) {
    const t0 = performance.now();
    const r = await c.post(`/api/sessions/${sessions[N]}/assistant/messages`, { text: `What next? ${i}` });
    chatTimes.push(performance.now() - t0);
    if (r.status !== 201) throw new Error(`chat answered ${r.status}`);
  }
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const r = await c.post(`/api/sessions/${sessions[i]}/handoffs`, {
      intent: 'escalate',
      reason: 'Out of ideas',
      urgency: 'high',
    });
    times.push(performance.now() - t0);
    if (r.status !== 201) throw new Error(`escalate answered ${r.status}`);
  }
  await app.close();
  await deps.assistant.close();
  await db.close();
  await llm?.close();
  return {
    mode,
    escalate: { p50: pct(times, 50), p99: pct(times, 99) },
    chat: { p50: pct(chatTimes, 50), p99: pct(chatTimes, 99), max: Math.max(...chatTimes) },
  };
}

async function main() {
  console.log(
    `LLM outage bench: ${N} escalations and ${CHATS} chat messages per mode, PGlite in memory; ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  console.log('| LLM endpoint | escalate p50 | escalate p99 | chat p50 | chat p99 | slowest chat |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const all: Mode[] = ['no LLM', 'hangs', 'answers 500', 'answers garbage'];
  // BENCH_MODES="no LLM,hangs" runs some of them (each mode opens its own in-memory database).
  const modes = process.env.BENCH_MODES ? (process.env.BENCH_MODES.split(',') as Mode[]) : all;
  for (const mode of modes) {
    const r = await run(mode);
    console.log(
      `| ${r.mode} | ${ms(r.escalate.p50)} | ${ms(r.escalate.p99)} | ${ms(r.chat.p50)} | ${ms(r.chat.p99)} | ${ms(r.chat.max)} |`,
    );
  }
}

await main();
