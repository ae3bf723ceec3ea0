import type { TCreateSessionBody, TResolveBody, TSessionDetail, TStepBody } from '@rf/contracts';
import { type QueryClient, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './client';
import { endpoints } from './endpoints';
import { useIntentKey, useSingleFlight } from './intent';
import { keys, type SessionFilters } from './keys';

export type { SessionFilters } from './keys';

export function useSessions(filters: SessionFilters) {
  return useQuery({
    queryKey: keys.sessions.list(filters),
    queryFn: () => call(endpoints.sessions, { params: filters }),
    placeholderData: (prev) => prev,
    // Teammates create and change sessions all day: always revalidate when the list is shown.
    staleTime: 0,
  });
}

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: keys.session.detail(id),
    queryFn: async () => (await call(endpoints.session, { params: { id } })).session,
  });

export function useSession(id: string) {
  return useQuery(sessionQuery(id));
}

/**
 * What a change to one session touches: the session itself (and its suggestions), every
 * session list, the queue and handoffs (a session's status shows on its handoff), and the
 * analytics (escalations and first actions are counted there).
 */
export function invalidateAfterSessionChange(qc: QueryClient, id: string) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: keys.session.one(id) }),
    qc.invalidateQueries({ queryKey: keys.sessions.all }),
    qc.invalidateQueries({ queryKey: keys.handoffs.all }),
    qc.invalidateQueries({ queryKey: keys.analytics.all }),
  ]);
}

export function useCreateSession() {
  const qc = useQueryClient();
  const intent = useIntentKey();
  return useSingleFlight(
    useMutation({
      mutationFn: async (body: TCreateSessionBody) =>
        (await call(endpoints.createSession, { body, idempotencyKey: intent.keyFor(body) })).session,
      onSuccess: (session) => {
        intent.done();
        qc.setQueryData(keys.session.detail(session.id), session);
        void qc.invalidateQueries({ queryKey: keys.sessions.all });
      },
    }),
  );
}

/** A write to one session whose answer is the updated session: show it at once, then refresh the rest. */
export function useSessionWrite<V>(
  id: string,
  send: (vars: V, idempotencyKey: string | undefined) => Promise<{ session: TSessionDetail }>,
  opts: { idempotent: boolean },
) {
  const qc = useQueryClient();
  const intent = useIntentKey();
  return useSingleFlight(
    useMutation({
      mutationFn: (vars: V) => send(vars, opts.idempotent ? intent.keyFor(vars) : undefined),
      onSuccess: (data) => {
        intent.done();
        qc.setQueryData(keys.session.detail(id), data.session);
        // Not awaited: the answer already is the new session, so the write is done when it is on
        // screen. Waiting for the other views' refetches (and the live event's) kept the form
        // full and disabled after the entry had appeared, and cleared what was typed next.
        void invalidateAfterSessionChange(qc, id);
      },
    }),
  );
}

export function useLogStep(id: string) {
  return useSessionWrite(
    id,
    (body: TStepBody, idempotencyKey) => call(endpoints.logStep, { params: { id }, body, idempotencyKey }),
    { idempotent: true },
  );
}

export function useAddNote(id: string) {
  return useSessionWrite(
    id,
    (text: string, idempotencyKey) =>
      call(endpoints.addNote, { params: { id }, body: { text }, idempotencyKey }),
    { idempotent: true },
  );
}

export function useResolveSession(id: string) {
  return useSessionWrite(
    id,
    (body: TResolveBody) => call(endpoints.resolveSession, { params: { id }, body }),
    { idempotent: false },
  );
}
