/**
 * The assistant façade used by the server. The built-in engine always works offline and answers
 * at once. When an OpenAI-compatible LLM is configured:
 * - an escalation still answers with the built-in assessment; the LLM's is asked for in the
 *   background (`assessLater`) and handed to the caller when it arrives and validates;
 * - a chat reply asks the LLM with a tight timeout and falls back to the built-in reply on any
 *   timeout, error or invalid answer;
 * - after a few consecutive failures a circuit breaker skips the LLM for a while (logged once).
 *
 * Suggestions stay built-in only: they must be concrete playbook checks that were never tried,
 * which the engine guarantees and an LLM can't. LLM chat replies carry the built-in suggestions.
 */
import {
  type TAssessmentWithStart,
  type TAssistantReply,
  type TSuggestionsResponse,
  ZAssessmentWithStart,
} from '@rf/contracts';
import { z } from 'zod';
import {
  assessSession,
  assessWithSuggestions,
  type EngineSession,
  isTriedAction,
  rankPlaybooks,
  replyToMessage,
  suggestNextSteps,
} from './engine.js';
import {
  type ChatMessage,
  CircuitBreaker,
  chatJson,
  DEFAULT_CHAT_TIMEOUT_MS,
  DEFAULT_LLM_TIMEOUT_MS,
  type LlmConfig,
} from './llm.js';

export type { LlmConfig } from './llm.js';

export interface Assistant {
  /** The built-in assessment: deterministic and immediate. */
  assess(s: EngineSession): Promise<TAssessmentWithStart>;
  /**
   * The same assessment, and the actions the suggestions panel lists for the session now (up to
   * `limit`), from one analysis: an escalation's snapshot needs both, under the session's lock.
   */
  assessForHandoff(
    s: EngineSession,
    limit: number,
  ): Promise<{ assessed: TAssessmentWithStart; suggestedActions: readonly string[] }>;
  /**
   * Asks the LLM (when one is configured and the breaker is closed) for its assessment in the
   * background; `deliver` gets a validated answer, if one arrives. Never throws, never waits.
   */
  assessLater(
    s: EngineSession,
    builtin: TAssessmentWithStart,
    deliver: (answer: TAssessmentWithStart) => Promise<unknown>,
  ): void;
  suggest(s: EngineSession, limit?: number): Promise<TSuggestionsResponse>;
  reply(s: EngineSession, message: string): Promise<TAssistantReply>;
  /** Resolves when every background assessment started so far has finished. */
  settled(): Promise<void>;
  /** Stops background LLM requests and waits for them (shutdown, before the database closes). */
  close(): Promise<void>;
}

interface Logger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** What the LLM must answer for a chat message. */
export const ZLlmChatAnswer = z.object({ text: z.string().trim().min(1).max(8000) });

const MAX_TIMELINE = 60;

function sessionForPrompt(s: EngineSession): object {
  return {
    title: s.title,
    problem: s.problem,
    customer: s.customer,
    asset: s.asset,
    category: s.category,
    timeline: s.timeline
      .filter((e) => e.kind === 'step' || e.kind === 'note' || e.kind === 'assistant_user')
      .slice(-MAX_TIMELINE)
      .map((e) => ({ kind: e.kind, text: e.text, outcome: e.outcome, detail: e.detail, at: e.at })),
  };
}

function builtinContext(s: EngineSession, builtin: TAssessmentWithStart): object {
  return {
    playbookRanking: rankPlaybooks(`${s.title} ${s.problem} ${s.category ?? ''}`, 5),
    builtinAssessment: builtin,
  };
}

const ASSESS_SYSTEM = [
  'You are the troubleshooting assistant of an IT service desk (MSP). Assess the session.',
  'Answer ONLY with a JSON object: {"assessment":{"engine":"llm","likelyCauses":[{"cause":string,"confidence":number 0..1,"evidence":[string]}],"ruledOut":[{"cause":string,"why":string}],"gaps":[string]},"startHere":{"action":string,"why":string}}.',
  'Evidence must quote the timeline steps it rests on. startHere must be ONE concrete next action that is NOT a step already in the timeline.',
  'The built-in engine ranking and assessment are given as context; improve on them where the timeline justifies it.',
].join('\n');

const CHAT_SYSTEM = [
  'You are the troubleshooting assistant of an IT service desk (MSP). Answer the technician briefly in plain text (short paragraphs or "- " bullet lines), grounded in the session timeline and the built-in assessment given as context.',
  'Never suggest a step that is already in the timeline. Answer ONLY with a JSON object: {"text": string}.',
].join('\n');

export function createAssistant(opts: { llm?: LlmConfig | null; logger?: Logger }): Assistant {
  const llm = opts.llm?.baseUrl && opts.llm.model ? opts.llm : null;
  const logger: Logger = opts.logger ?? { warn: (obj, msg) => console.warn(msg, obj) };
  const breaker = new CircuitBreaker({
    threshold: llm?.breakerThreshold ?? 3,
    coolDownMs: llm?.breakerCoolDownMs ?? 60_000,
    onOpen: (failures, coolDownMs) =>
      logger.warn(
        { failures, skipSeconds: Math.round(coolDownMs / 1000) },
        `assistant: LLM failed ${failures} times in a row; using the built-in engine only for ${Math.round(coolDownMs / 1000)} s`,
      ),
    onClose: () => (logger.info ?? logger.warn)({}, 'assistant: LLM answers again'),
  });
  const inFlight = new Set<Promise<void>>();
  const stop = new AbortController();

  /** One LLM call through the breaker: null when skipped or failed (logged), else the parsed JSON. */
  async function ask(messages: ChatMessage[], timeoutMs: number, what: string): Promise<unknown | null> {
    if (stop.signal.aborted || !breaker.allow()) return null;
    try {
      return await chatJson(llm!, messages, timeoutMs, stop.signal);
    } catch (err) {
      if (stop.signal.aborted) return null;
      breaker.failure();
      logger.warn({ err: (err as Error).message }, `assistant: LLM ${what} failed; using built-in engine`);
      return null;
    }
  }

  async function assess(s: EngineSession): Promise<TAssessmentWithStart> {
    return assessSession(s);
  }

  async function assessForHandoff(s: EngineSession, limit: number) {
    return assessWithSuggestions(s, limit);
  }

  async function llmAssessment(
    s: EngineSession,
    builtin: TAssessmentWithStart,
  ): Promise<TAssessmentWithStart | null> {
    const messages: ChatMessage[] = [
      { role: 'system', content: ASSESS_SYSTEM },
      {
        role: 'user',
        content: JSON.stringify({ session: sessionForPrompt(s), context: builtinContext(s, builtin) }),
      },
    ];
    const raw = await ask(messages, llm!.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS, 'assessment');
    if (raw === null) return null;
    const parsed = ZAssessmentWithStart.safeParse(raw);
    if (!parsed.success) {
      breaker.failure(); // an endpoint answering garbage is as broken as one that is down
      logger.warn(
        { issues: parsed.error.issues.slice(0, 5) },
        'assistant: LLM assessment failed schema validation',
      );
      return null;
    }
    breaker.success();
    const answer: TAssessmentWithStart = {
      ...parsed.data,
      assessment: { ...parsed.data.assessment, engine: 'llm' },
    };
    if (isTriedAction(s, answer.startHere.action)) {
      logger.warn(
        { action: answer.startHere.action },
        'assistant: LLM startHere repeats a tried step; using built-in',
      );
      answer.startHere = builtin.startHere;
    }
    return answer;
  }

  function assessLater(
    s: EngineSession,
    builtin: TAssessmentWithStart,
    deliver: (answer: TAssessmentWithStart) => Promise<unknown>,
  ): void {
    if (!llm || stop.signal.aborted) return;
    const job = (async () => {
      try {
        const answer = await llmAssessment(s, builtin);
        if (answer) await deliver(answer);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'assistant: storing the LLM assessment failed');
      }
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }

  async function suggest(s: EngineSession, limit?: number): Promise<TSuggestionsResponse> {
    // Built-in only (see module comment).
    return suggestNextSteps(s, limit);
  }

  async function reply(s: EngineSession, message: string): Promise<TAssistantReply> {
    const builtin = replyToMessage(s, message);
    if (!llm) return builtin;
    const messages: ChatMessage[] = [
      { role: 'system', content: CHAT_SYSTEM },
      {
        role: 'user',
        content: JSON.stringify({
          session: sessionForPrompt(s),
          context: builtinContext(s, assessSession(s)),
          builtinSuggestions: builtin.suggestions,
          message,
        }),
      },
    ];
    const raw = await ask(messages, llm.chatTimeoutMs ?? DEFAULT_CHAT_TIMEOUT_MS, 'reply');
    if (raw === null) return builtin;
    const parsed = ZLlmChatAnswer.safeParse(raw);
    if (!parsed.success) {
      breaker.failure();
      logger.warn(
        { issues: parsed.error.issues.slice(0, 5) },
        'assistant: LLM reply failed schema validation',
      );
      return builtin;
    }
    breaker.success();
    return { engine: 'llm', text: parsed.data.text, suggestions: builtin.suggestions };
  }

  async function settled(): Promise<void> {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  }

  async function close(): Promise<void> {
    stop.abort();
    await settled();
  }

  return { assess, assessForHandoff, assessLater, suggest, reply, settled, close };
}
