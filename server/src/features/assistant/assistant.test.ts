import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZAssessmentWithStart, ZAssistantReply } from '@rf/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from './assistant.js';
import { assessSession, type EngineSession, replyToMessage, suggestNextSteps } from './engine.js';
import { CircuitBreaker } from './llm.js';

type Mode = 'good' | 'garbage' | 'invalid' | 'slow' | 'http500' | 'tried-start' | 'chat-good' | 'no-choices';

const session: EngineSession = {
  title: 'Intranet not resolving',
  problem: 'Users get DNS_PROBE_FINISHED_NXDOMAIN for the intranet; it works by IP address.',
  customer: 'Contoso',
  asset: 'PC-014',
  category: 'Network',
  timeline: [
    {
      id: 't1',
      kind: 'step',
      text: 'flushed dns, nslookup to 8.8.8.8 works',
      outcome: 'worked',
      detail: null,
      at: '2025-01-06T09:05:00.000Z',
    },
  ],
};

const goodAnswer = {
  assessment: {
    engine: 'builtin', // the façade must force 'llm'
    likelyCauses: [
      {
        cause: 'Internal DNS server not answering',
        confidence: 0.7,
        evidence: ["Step 'flushed dns…' (worked)"],
      },
    ],
    ruledOut: [],
    gaps: ['Query the DC directly with nslookup'],
  },
  startHere: {
    action: 'Run nslookup intranet.contoso.local 10.0.0.10 against DC01',
    why: 'Tests the DC directly.',
  },
};

let mode: Mode = 'good';
let lastRequest: { url: string; auth: string | undefined; body: Record<string, unknown> } | null = null;
const pending = new Set<NodeJS.Timeout>();
let server: Server;
let baseUrl: string;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => resolve(data));
  });
}

function completion(content: string): string {
  return JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content } }],
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    lastRequest = { url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) };
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    switch (mode) {
      case 'good':
        return send(200, completion(JSON.stringify(goodAnswer)));
      case 'chat-good':
        return send(200, completion(JSON.stringify({ text: 'Query DC01 directly next.' })));
      case 'garbage':
        return send(200, completion('Sure! I think it is DNS. Try turning it off and on again.'));
      case 'invalid':
        return send(200, completion(JSON.stringify({ assessment: { likelyCauses: 'dns' }, startHere: 42 })));
      case 'no-choices':
        return send(200, JSON.stringify({ error: 'nope' }));
      case 'tried-start':
        return send(
          200,
          completion(
            JSON.stringify({
              ...goodAnswer,
              startHere: { action: 'flushed dns, nslookup to 8.8.8.8 works', why: 'repeat' },
            }),
          ),
        );
      case 'http500':
        return send(500, JSON.stringify({ error: { message: 'internal' } }));
      case 'slow': {
        const t = setTimeout(() => {
          pending.delete(t);
          if (!res.writableEnded) send(200, completion(JSON.stringify(goodAnswer)));
        }, 1500);
        pending.add(t);
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const t of pending) clearTimeout(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  lastRequest = null;
});

function makeAssistant(timeoutMs = 2000) {
  const warnings: string[] = [];
  const assistant = createAssistant({
    llm: { baseUrl, apiKey: 'sk-test', model: 'test-model', timeoutMs, chatTimeoutMs: timeoutMs },
    logger: { warn: (_obj, msg) => warnings.push(msg) },
  });
  return { assistant, warnings };
}

/** The LLM's assessment as assessLater delivers it (null when none arrived). */
async function llmAssess(assistant: Assistant, s: EngineSession) {
  let got: unknown = null;
  assistant.assessLater(s, assessSession(s), async (a) => {
    got = a;
  });
  await assistant.settled();
  return got as ReturnType<typeof assessSession> | null;
}

describe('LLM provider', () => {
  it('assess answers with the built-in engine at once, without asking the LLM', async () => {
    mode = 'good';
    const { assistant } = makeAssistant();
    expect(await assistant.assess(session)).toEqual(assessSession(session));
    expect(lastRequest).toBeNull();
  });

  it('delivers a valid LLM answer later (engine forced to llm) and sends an OpenAI-compatible request', async () => {
    mode = 'good';
    const { assistant, warnings } = makeAssistant();
    const a = ZAssessmentWithStart.parse(await llmAssess(assistant, session));
    expect(a.assessment.engine).toBe('llm');
    expect(a.startHere.action).toBe(goodAnswer.startHere.action);
    expect(warnings).toEqual([]);
    expect(lastRequest!.url).toBe('/v1/chat/completions');
    expect(lastRequest!.auth).toBe('Bearer sk-test');
    expect(lastRequest!.body).toMatchObject({
      model: 'test-model',
      temperature: 0,
      response_format: { type: 'json_object' },
    });
    const messages = lastRequest!.body.messages as Array<{ role: string; content: string }>;
    expect(messages[0]!.role).toBe('system');
    // The built-in ranking is given to the LLM as context.
    expect(messages[1]!.content).toContain('dns-resolution');
    expect(messages[1]!.content).toContain('playbookRanking');
  });

  const fallbacks: Array<[Mode, RegExp]> = [
    ['garbage', /LLM assessment failed/],
    ['invalid', /schema validation/],
    ['no-choices', /LLM assessment failed/],
    ['http500', /LLM assessment failed/],
    ['slow', /LLM assessment failed/],
  ];
  it.each(fallbacks)('delivers nothing on %s (the built-in assessment stands)', async (m, warning) => {
    mode = m;
    const { assistant, warnings } = makeAssistant(200);
    const t0 = Date.now();
    expect(await llmAssess(assistant, session)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
  });

  it('falls back when the endpoint is unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const warnings: string[] = [];
    const assistant = createAssistant({
      llm: { baseUrl: `http://127.0.0.1:${port}`, model: 'm', timeoutMs: 500 },
      logger: { warn: (_o, msg) => warnings.push(msg) },
    });
    expect(await llmAssess(assistant, session)).toBeNull();
    expect((await assistant.reply(session, 'next?')).engine).toBe('builtin');
    expect(warnings).toHaveLength(2);
  });

  it('replaces an LLM startHere that repeats a tried step', async () => {
    mode = 'tried-start';
    const { assistant, warnings } = makeAssistant();
    const a = (await llmAssess(assistant, session))!;
    expect(a.assessment.engine).toBe('llm');
    expect(a.startHere).toEqual(assessSession(session).startHere);
    expect(warnings[0]).toMatch(/repeats a tried step/);
  });

  it('chat: uses a valid LLM reply with built-in suggestions, falls back otherwise', async () => {
    mode = 'chat-good';
    const { assistant } = makeAssistant();
    const r = ZAssistantReply.parse(await assistant.reply(session, 'what next?'));
    expect(r).toEqual({
      engine: 'llm',
      text: 'Query DC01 directly next.',
      suggestions: replyToMessage(session, 'x').suggestions,
    });
    const sent = lastRequest!.body.messages as Array<{ content: string }>;
    expect(sent[1]!.content).toContain('what next?');

    for (const m of ['garbage', 'http500', 'slow', 'good'] as Mode[]) {
      mode = m; // 'good' is an assessment-shaped answer: not a valid chat reply
      const { assistant: a2, warnings } = makeAssistant(200);
      const fb = await a2.reply(session, 'what next?');
      expect(fb).toEqual(replyToMessage(session, 'what next?'));
      expect(warnings).toHaveLength(1);
    }
  });

  it('suggestions are built-in only and without an LLM everything is built-in', async () => {
    mode = 'good';
    const { assistant } = makeAssistant();
    lastRequest = null;
    expect(await assistant.suggest(session, 2)).toEqual(suggestNextSteps(session, 2));
    expect(lastRequest).toBeNull();
    const offline = createAssistant({ llm: null });
    expect((await offline.assess(session)).assessment.engine).toBe('builtin');
    expect(await llmAssess(offline, session)).toBeNull();
    expect((await offline.reply(session, 'why?')).engine).toBe('builtin');
  });

  it('close() stops a background request that hangs', async () => {
    mode = 'slow';
    const { assistant } = makeAssistant(10_000);
    let delivered = false;
    assistant.assessLater(session, assessSession(session), async () => {
      delivered = true;
    });
    const t0 = Date.now();
    await assistant.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(delivered).toBe(false);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, skips during the cool-down, lets one trial through, and logs once per outage', () => {
    let now = 0;
    const log: string[] = [];
    const b = new CircuitBreaker({
      threshold: 3,
      coolDownMs: 1000,
      now: () => now,
      onOpen: (n) => log.push(`open ${n}`),
      onClose: () => log.push('close'),
    });
    for (let i = 0; i < 2; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(b.allow()).toBe(true);
    b.success(); // a success in between resets the count
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(log).toEqual(['open 3']);
    expect(b.allow()).toBe(false);
    now = 999;
    expect(b.allow()).toBe(false);
    now = 1000;
    expect(b.allow()).toBe(true); // the trial
    expect(b.allow()).toBe(false); // only one at a time
    b.failure(); // the outage goes on: skip again, without a second log line
    expect(b.allow()).toBe(false);
    now = 2000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(log).toEqual(['open 3', 'close']);
    expect(b.allow()).toBe(true);
  });
});
