/**
 * The assistant façade used by the server. The built-in engine always works offline; when an
 * OpenAI-compatible LLM is configured, assessments and chat replies go through it and are
 * validated, with the built-in answer as fallback on any timeout, error or invalid answer.
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
  type EngineSession,
  isTriedAction,
  rankPlaybooks,
  replyToMessage,
  suggestNextSteps,
} from './engine.js';
import { type ChatMessage, chatJson, type LlmConfig } from './llm.js';

export type { LlmConfig } from './llm.js';

export interface Assistant {
  assess(s: EngineSession): Promise<TAssessmentWithStart>;
  suggest(s: EngineSession, limit?: number): Promise<TSuggestionsResponse>;
  reply(s: EngineSession, message: string): Promise<TAssistantReply>;
}

interface Logger {
  warn(obj: object, msg: string): void;
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

  async function assess(s: EngineSession): Promise<TAssessmentWithStart> {
    const builtin = assessSession(s);
    if (!llm) return builtin;
    const messages: ChatMessage[] = [
      { role: 'system', content: ASSESS_SYSTEM },
      {
        role: 'user',
        content: JSON.stringify({ session: sessionForPrompt(s), context: builtinContext(s, builtin) }),
      },
    ];
    try {
      const raw = await chatJson(llm, messages);
      const parsed = ZAssessmentWithStart.safeParse(raw);
      if (!parsed.success) {
        logger.warn(
          { issues: parsed.error.issues.slice(0, 5) },
          'assistant: LLM assessment failed schema validation',
        );
        return builtin;
      }
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
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'assistant: LLM assessment failed; using built-in engine');
      return builtin;
    }
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
    try {
      const raw = await chatJson(llm, messages);
      const parsed = ZLlmChatAnswer.safeParse(raw);
      if (!parsed.success) {
        logger.warn(
          { issues: parsed.error.issues.slice(0, 5) },
          'assistant: LLM reply failed schema validation',
        );
        return builtin;
      }
      return { engine: 'llm', text: parsed.data.text, suggestions: builtin.suggestions };
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'assistant: LLM reply failed; using built-in engine');
      return builtin;
    }
  }

  return { assess, suggest, reply };
}
