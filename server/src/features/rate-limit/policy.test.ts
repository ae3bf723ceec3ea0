import { describe, expect, it } from 'vitest';
import { attempt, delayAfter, leak, type Policy } from './policy.js';

const p: Policy = { free: 3, leakMs: 60_000, baseDelayMs: 1000, maxDelayMs: 10_000 };
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('rate-limit policy', () => {
  it('the first `free` attempts pass back to back; then the wait doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => delayAfter(p, n))).toEqual([
      0, 0, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(delayAfter(p, 10_000)).toBe(10_000);
  });

  it('an attempt inside the wait is refused with the time left and changes nothing', () => {
    let s = { count: 0, countedAt: t0, blockedUntil: new Date(0) };
    for (let i = 0; i < 3; i++) {
      const r = attempt(p, s, t0);
      if (!r.ok) throw new Error('should pass');
      s = r.next;
    }
    expect(s.blockedUntil).toEqual(at(1000));
    expect(attempt(p, s, at(400))).toEqual({ ok: false, retryAfterMs: 600 });
    const later = attempt(p, s, at(1000));
    expect(later.ok && later.next.count).toBe(4);
    expect(later.ok && later.next.blockedUntil).toEqual(at(3000));
  });

  it('counts leak away one per interval, keeping a partial interval', () => {
    const s = { count: 5, countedAt: t0, blockedUntil: t0 };
    expect(leak(p, s, at(150_000))).toEqual({ count: 3, countedAt: at(120_000), blockedUntil: t0 });
    expect(leak(p, s, at(3_600_000)).count).toBe(0);
    expect(leak(p, s, at(-5)).count).toBe(5);
  });
});
