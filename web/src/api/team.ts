import type { TChangePasswordBody, TInvitationBody, TPatchUserBody } from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, isApiError } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { keys } from './keys';

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: keys.team.users,
    queryFn: async () => (await call(endpoints.users)).users,
    enabled,
    retry: (count, err) => !isApiError(err, 403) && count < 2,
  });
}

/** Engineer-or-admin teammates (escalation targets); readable by every signed-in user. */
export function useTeammates(enabled = true) {
  return useQuery({
    queryKey: keys.team.teammates,
    queryFn: async () => (await call(endpoints.teammates)).teammates,
    enabled,
  });
}

export function usePatchUser() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: async ({ id, body }: { id: string; body: TPatchUserBody }) =>
        (await call(endpoints.patchUser, { params: { id }, body })).user,
      // A role or tier change moves people in and out of the escalation targets, and may be one's own.
      onSettled: () =>
        Promise.all([
          qc.invalidateQueries({ queryKey: keys.team.users }),
          qc.invalidateQueries({ queryKey: keys.team.teammates }),
          qc.invalidateQueries({ queryKey: keys.me }),
        ]),
    }),
  );
}

export function usePendingInvitations(enabled = true) {
  return useQuery({
    queryKey: keys.team.invitations,
    queryFn: async () => (await call(endpoints.invitations)).invitations,
    enabled,
  });
}

export function useInvite() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TInvitationBody) => call(endpoints.invite, { body }),
      onSuccess: () => qc.invalidateQueries({ queryKey: keys.team.invitations }),
    }),
  );
}

/** Removes a teammate (they are signed out at once); the team, targets and queue change with it. */
export function useRemoveUser() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (id: string) => call(endpoints.removeUser, { params: { id } }),
      onSettled: () =>
        Promise.all([
          qc.invalidateQueries({ queryKey: keys.team.users }),
          qc.invalidateQueries({ queryKey: keys.team.teammates }),
          // Escalations they had picked up went back to the queue.
          qc.invalidateQueries({ queryKey: keys.handoffs.all }),
        ]),
    }),
  );
}

export function useRevokeInvitation() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (id: string) => call(endpoints.revokeInvitation, { params: { id } }),
      onSettled: () => qc.invalidateQueries({ queryKey: keys.team.invitations }),
    }),
  );
}

export function useChangePassword() {
  return useSingleFlight(
    useMutation({ mutationFn: (body: TChangePasswordBody) => call(endpoints.changePassword, { body }) }),
  );
}
