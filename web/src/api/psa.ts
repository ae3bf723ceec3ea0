import type { TPsaConnectionBody, TPsaPost, TPsaTestBody } from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { keys } from './keys';

/** The account's ConnectWise connection (admins): never the keys. */
export function usePsaConnection(enabled = true) {
  return useQuery({ queryKey: keys.psa.connection, queryFn: () => call(endpoints.psaConnection), enabled });
}

export function useSavePsaConnection() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TPsaConnectionBody) => call(endpoints.savePsaConnection, { body }),
      onSuccess: (data) => {
        qc.setQueryData(keys.psa.connection, data);
        void qc.invalidateQueries({ queryKey: keys.psa.members });
      },
    }),
  );
}

export function useDeletePsaConnection() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: () => call(endpoints.deletePsaConnection),
      onSuccess: (data) => {
        qc.setQueryData(keys.psa.connection, data);
        qc.removeQueries({ queryKey: keys.psa.members });
      },
    }),
  );
}

export function useTestPsaConnection() {
  return useSingleFlight(
    useMutation({ mutationFn: (body: TPsaTestBody) => call(endpoints.testPsaConnection, { body }) }),
  );
}

export function usePsaMembers(enabled: boolean) {
  return useQuery({ queryKey: keys.psa.members, queryFn: () => call(endpoints.psaMembers), enabled });
}

export function useSetPsaMember() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: { userId: string; memberId: number | null }) =>
        call(endpoints.setPsaMember, { body }),
      onSuccess: (data) => qc.setQueryData(keys.psa.members, data),
    }),
  );
}

/** The session's linked ticket (everyone who can see the session). */
export function usePsaTicket(sessionId: string) {
  return useQuery({
    queryKey: keys.session.psaTicket(sessionId),
    queryFn: () => call(endpoints.psaTicket, { params: { id: sessionId } }),
  });
}

export function useLinkPsaTicket(sessionId: string) {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (ticketId: number) =>
        call(endpoints.linkPsaTicket, { params: { id: sessionId }, body: { ticketId } }),
      onSuccess: (data) => {
        qc.setQueryData(keys.session.psaTicket(sessionId), data);
        void qc.invalidateQueries({ queryKey: keys.session.psaStatuses(sessionId) });
      },
    }),
  );
}

export function useUnlinkPsaTicket(sessionId: string) {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: () => call(endpoints.unlinkPsaTicket, { params: { id: sessionId } }),
      onSuccess: (data) => qc.setQueryData(keys.session.psaTicket(sessionId), data),
    }),
  );
}

/** The statuses the linked ticket may move to (asked of the PSA when a dialog opens). */
export function usePsaStatuses(sessionId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.session.psaStatuses(sessionId),
    queryFn: () => call(endpoints.psaTicketStatuses, { params: { id: sessionId } }),
    enabled,
    staleTime: 60_000,
    retry: false,
  });
}

/**
 * Whether something is still on its way to the ticket. A pending post without `nextAttemptAt`
 * waits for another operation of its note (decision 025: note, time entry, status): behind a note
 * that failed it waits for a Retry, so it alone is no reason to keep asking.
 */
export function stillSending(posts: TPsaPost[]): boolean {
  return posts.some((p) => p.status === 'pending' && p.nextAttemptAt !== null);
}

/** What was sent to the ticket; polled while something is still on its way. */
export function usePsaPosts(sessionId: string) {
  return useQuery({
    queryKey: keys.session.psaPosts(sessionId),
    queryFn: () => call(endpoints.psaPosts, { params: { id: sessionId } }),
    refetchInterval: (q) => (q.state.data && stillSending(q.state.data.posts) ? 1500 : false),
  });
}

export function useRetryPsaPost(sessionId: string) {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (postId: string) =>
        call(endpoints.retryPsaPost, { params: { id: sessionId }, body: { postId } }),
      onSuccess: (data) => qc.setQueryData(keys.session.psaPosts(sessionId), data),
    }),
  );
}
