import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A stopwatch that keeps running across a reload (and agrees between tabs): its state is wall-clock
 * times in localStorage, not a counter in memory.
 */
export interface StopwatchState {
  /** When the current run started (epoch ms), or null while stopped. */
  startedAt: number | null;
  /** Time from earlier runs since the last reset. */
  accumulatedMs: number;
  /** When it was last stopped: the measurement's time. */
  stoppedAt: number | null;
}

const EMPTY: StopwatchState = { startedAt: null, accumulatedMs: 0, stoppedAt: null };

export function readStopwatch(key: string): StopwatchState {
  try {
    const raw = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<StopwatchState> | null;
    if (!raw) return EMPTY;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
    return {
      startedAt: num(raw.startedAt),
      accumulatedMs: num(raw.accumulatedMs) ?? 0,
      stoppedAt: num(raw.stoppedAt),
    };
  } catch {
    return EMPTY;
  }
}

export const elapsedOf = (s: StopwatchState, now: number) =>
  s.accumulatedMs + (s.startedAt === null ? 0 : Math.max(0, now - s.startedAt));

export function useStopwatch(key: string) {
  const [state, setState] = useState<StopwatchState>(() => readStopwatch(key));
  const [now, setNow] = useState(() => Date.now());
  const current = useRef(state);
  current.current = state;
  const running = state.startedAt !== null;

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 100);
    return () => window.clearInterval(timer);
  }, [running]);

  // Another tab started or stopped the same stopwatch.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === key) setState(readStopwatch(key));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [key]);

  const save = useCallback(
    (next: StopwatchState) => {
      current.current = next;
      setState(next);
      setNow(Date.now());
      try {
        if (next.startedAt === null && next.accumulatedMs === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(next));
      } catch {
        /* storage full or disabled: the stopwatch still works until a reload */
      }
    },
    [key],
  );

  const start = useCallback(() => {
    const s = current.current;
    if (s.startedAt === null) save({ ...s, startedAt: Date.now(), stoppedAt: null });
  }, [save]);
  const stop = useCallback(() => {
    const s = current.current;
    const t = Date.now();
    if (s.startedAt !== null) save({ startedAt: null, accumulatedMs: elapsedOf(s, t), stoppedAt: t });
  }, [save]);
  const toggle = useCallback(() => {
    if (current.current.startedAt === null) start();
    else stop();
  }, [start, stop]);
  const reset = useCallback(() => save(EMPTY), [save]);

  return {
    running,
    elapsedMs: elapsedOf(state, now),
    stoppedAt: state.stoppedAt,
    start,
    stop,
    toggle,
    reset,
  };
}
