/**
 * A receiver's `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date, as milliseconds
 * from `now`, at most an hour; null when absent or unreadable. The outbox never retries sooner
 * than it asks (a PSA's or a chat service's 429, a 503 during maintenance).
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Math.min(Number(v.trim()) * 1000, 3_600_000);
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, Math.min(at - now, 3_600_000));
}
