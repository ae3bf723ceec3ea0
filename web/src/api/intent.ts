import type { UseMutationResult } from '@tanstack/react-query';
import { useCallback, useMemo, useRef } from 'react';

/** A random v4 UUID; `crypto.randomUUID` exists only in secure contexts, getRandomValues everywhere. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One Idempotency-Key per user intent. The same intent (the same request body, not yet
 * answered with success) keeps its key, so a retry after a timeout or a dropped connection is
 * recognised by the server and does nothing twice; a success or a changed body starts a new
 * intent, so logging the same step again on purpose later is a new step.
 */
export function useIntentKey() {
  const current = useRef<{ body: string; key: string } | null>(null);
  const keyFor = useCallback((body: unknown) => {
    const s = JSON.stringify(body ?? null);
    if (current.current?.body !== s) current.current = { body: s, key: newUuid() };
    return current.current.key;
  }, []);
  const done = useCallback(() => {
    current.current = null;
  }, []);
  return { keyFor, done };
}

/**
 * A mutation that ignores new calls while one is in flight. `isPending` (and so a disabled
 * button) only reaches the screen after a render, so a fast double click would otherwise send
 * twice; this guard is synchronous.
 */
export function useSingleFlight<TData, TError, TVariables, TContext>(
  m: UseMutationResult<TData, TError, TVariables, TContext>,
): UseMutationResult<TData, TError, TVariables, TContext> {
  const inFlight = useRef(false);
  const { mutate: rawMutate, mutateAsync: rawMutateAsync } = m;
  const mutateAsync = useCallback(
    async (...args: Parameters<typeof rawMutateAsync>) => {
      if (inFlight.current) throw new Error('A request for this action is already in flight');
      inFlight.current = true;
      try {
        return await rawMutateAsync(...args);
      } finally {
        inFlight.current = false;
      }
    },
    [rawMutateAsync],
  ) as typeof rawMutateAsync;
  const mutate = useCallback(
    (...args: Parameters<typeof rawMutate>) => {
      if (inFlight.current) return;
      inFlight.current = true;
      const [variables, options] = args;
      rawMutate(variables as TVariables, {
        ...options,
        onSettled: (...settled) => {
          inFlight.current = false;
          return options?.onSettled?.(...settled);
        },
      });
    },
    [rawMutate],
  ) as typeof rawMutate;
  return useMemo(() => ({ ...m, mutate, mutateAsync }), [m, mutate, mutateAsync]);
}
