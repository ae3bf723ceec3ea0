/**
 * Minimal OpenAI-compatible chat-completions client (JSON mode). Throws LlmError on timeout,
 * network failure, non-2xx status or an answer that isn't a JSON object; callers fall back.
 */

export interface LlmConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Request timeout in milliseconds (default 8000). */
  timeoutMs?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type LlmFailure = 'timeout' | 'network' | 'http' | 'garbage';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export const DEFAULT_LLM_TIMEOUT_MS = 8000;

/** POST {baseUrl}/chat/completions and return `choices[0].message.content` parsed as JSON. */
export async function chatJson(config: LlmConfig, messages: ChatMessage[]): Promise<unknown> {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const controller = new AbortController();
  const timeoutMs = config.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  let bodyText: string;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: config.model,
        messages,
        response_format: { type: 'json_object' },
        temperature: 0,
      }),
      signal: controller.signal,
    });
    bodyText = await res.text();
    if (!res.ok) throw new LlmError('http', `LLM endpoint answered HTTP ${res.status}`);
  } catch (err) {
    if (err instanceof LlmError) throw err;
    if (controller.signal.aborted)
      throw new LlmError('timeout', `LLM request timed out after ${timeoutMs} ms`);
    throw new LlmError('network', `LLM request failed: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(bodyText);
  } catch {
    throw new LlmError('garbage', 'LLM response body is not JSON');
  }
  const content = (envelope as { choices?: Array<{ message?: { content?: unknown } }> })?.choices?.[0]
    ?.message?.content;
  if (typeof content !== 'string')
    throw new LlmError('garbage', 'LLM response has no choices[0].message.content');
  const trimmed = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed;
  } catch {
    throw new LlmError('garbage', 'LLM message content is not a JSON object');
  }
}
