import type { TCreateHandoffBody } from '@rf/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { call, isApiError } from './client';
import { endpoints } from './endpoints';
import { useIntentKey, useSingleFlight } from './intent';
import { keys } from './keys';
import { invalidateAfterSessionChange } from './sessions';

export const queueQuery = queryOptions({
  queryKey: keys.handoffs.queue,
  queryFn: async () => (await call(endpoints.queue)).handoffs,
});

export function useQueue() {
  return useQuery(queueQuery);
}

/** One handoff with its context (the four sections), audit and the caller's `can`. */
export const handoffQuery = (id: string) =>
  queryOptions({
    queryKey: keys.handoffs.one(id),
    queryFn: async () => (await call(endpoints.handoff, { params: { id } })).handoff,
  });

export function useHandoff(id: string) {
  return useQuery(handoffQuery(id));
}

/**
 * Reads a handoff into the cache before it is opened (a queue card on screen, hovered or
 * focused), so Pick Up and View paint the handoff from the cache at once (decision 022). A
 * fresh copy is not fetched again; a failure is left for the handoff screen to show.
 */
export function usePrefetchHandoff() {
  const qc = useQueryClient();
  return useCallback((id: string) => void qc.prefetchQuery(handoffQuery(id)), [qc]);
}

/** Router state of a Pick Up from the queue: the handoff screen opens and claims it (decision 022). */
export interface PickUpState {
  pickUp: true;
}

export function useEscalate(sessionId: string) {
  const qc = useQueryClient();
  const intent = useIntentKey();
  return useSingleFlight(
    useMutation({
      mutationFn: async (body: TCreateHandoffBody) =>
        (
          await call(endpoints.escalate, {
            params: { id: sessionId },
            body,
            idempotencyKey: intent.keyFor(body),
          })
        ).handoff,
      onSuccess: (handoff) => {
        intent.done();
        qc.setQueryData(keys.handoffs.one(handoff.id), handoff);
        return invalidateAfterSessionChange(qc, sessionId);
      },
    }),
  );
}

const ACTION_ENDPOINT = {
  claim: endpoints.claimHandoff,
  release: endpoints.releaseHandoff,
  cancel: endpoints.cancelHandoff,
} as const;

/**
 * Claim, release or cancel. Whatever the answer (a 409 means someone else changed it), the
 * handoff, the queue, its session and the analytics (claims and claim times) are refreshed.
 */
function useHandoffAction(action: keyof typeof ACTION_ENDPOINT) {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: async (handoffId: string) =>
        (await call(ACTION_ENDPOINT[action], { params: { id: handoffId } })).handoff,
      onSuccess: (handoff) => {
        qc.setQueryData(keys.handoffs.one(handoff.id), handoff);
      },
      onSettled: (handoff) =>
        Promise.all([
          qc.invalidateQueries({ queryKey: keys.handoffs.all }),
          handoff
            ? invalidateAfterSessionChange(qc, handoff.sessionId)
            : qc.invalidateQueries({ queryKey: keys.session.all }),
          qc.invalidateQueries({ queryKey: keys.sessions.all }),
          qc.invalidateQueries({ queryKey: keys.analytics.all }),
        ]),
    }),
  );
}

export const useClaimHandoff = () => useHandoffAction('claim');
export const useReleaseHandoff = () => useHandoffAction('release');
export const useCancelHandoff = () => useHandoffAction('cancel');

/** The name in a 409 already_claimed answer, if that is what the error is. */
export function claimedByName(err: unknown): string | null {
  if (!isApiError(err, 409)) return null;
  const parsed = z.object({ claimedBy: z.object({ name: z.string() }) }).safeParse(err.body);
  return parsed.success ? parsed.data.claimedBy.name : null;
}
