/**
 * Minimal OpenAI-compatible chat-completions client (JSON mode). Throws LlmError on timeout,
 * network failure, non-2xx status or an answer that isn't a JSON object; callers fall back.
 */

export interface LlmConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  /**
   * Timeout of an assessment request in milliseconds (default 20000). Nobody waits for it: the
   * escalation has already answered with the built-in assessment.
   */
  timeoutMs?: number;
  /** Timeout of a chat reply in milliseconds (default 2500): the technician is waiting for it. */
  chatTimeoutMs?: number;
  /** Consecutive failures that open the circuit breaker (default 3). */
  breakerThreshold?: number;
  /** How long an open breaker skips the LLM, in milliseconds (default 60000). */
  breakerCoolDownMs?: number;
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

export const DEFAULT_LLM_TIMEOUT_MS = 20_000;
export const DEFAULT_CHAT_TIMEOUT_MS = 2_500;

/** POST {baseUrl}/chat/completions and return `choices[0].message.content` parsed as JSON. */
export async function chatJson(
  config: LlmConfig,
  messages: ChatMessage[],
  timeoutMs: number = config.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
  /** Aborts the request early (shutdown). */
  stop?: AbortSignal,
): Promise<unknown> {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onStop = () => controller.abort();
  stop?.addEventListener('abort', onStop, { once: true });
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
    if (stop?.aborted) throw new LlmError('network', 'LLM request stopped: shutting down');
    if (controller.signal.aborted)
      throw new LlmError('timeout', `LLM request timed out after ${timeoutMs} ms`);
    throw new LlmError('network', `LLM request failed: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
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

/**
 * Skips a failing LLM for a while. After `threshold` consecutive failures the breaker opens: calls
 * are skipped (the built-in engine answers) for `coolDownMs`; then one trial call is let through,
 * and its outcome closes the breaker or opens it again. Opening is logged once per outage, and
 * recovery once.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private tripped = false;
  private trialInFlight = false;

  constructor(
    private readonly opts: {
      threshold: number;
      coolDownMs: number;
      now?: () => number;
      onOpen?: (failures: number, coolDownMs: number) => void;
      onClose?: () => void;
    },
  ) {}

  private now() {
    return this.opts.now?.() ?? Date.now();
  }

  /** Whether a call may go to the LLM now. A `true` must be followed by success() or failure(). */
  allow(): boolean {
    if (!this.tripped) return true;
    if (this.now() < this.openUntil || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  get isOpen(): boolean {
    return this.tripped;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.tripped) {
      this.tripped = false;
      this.opts.onClose?.();
    }
  }

  failure(): void {
    this.failures++;
    if (this.tripped) {
      // The trial failed: the same outage goes on, skip again (no second log line).
      this.trialInFlight = false;
      this.openUntil = this.now() + this.opts.coolDownMs;
      return;
    }
    if (this.failures >= this.opts.threshold) {
      this.tripped = true;
      this.openUntil = this.now() + this.opts.coolDownMs;
      this.opts.onOpen?.(this.failures, this.opts.coolDownMs);
    }
  }
}
