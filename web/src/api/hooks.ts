import {
  type TAcceptInvitationBody,
  type TCreateHandoffBody,
  type TCreateSessionBody,
  type TInvitationBody,
  type TLoginBody,
  type TNotificationPreferences,
  type TPatchUserBody,
  type TSignupBody,
  type TStepBody,
  ZAssistantReply,
  ZDemoInfo,
  ZEscalationAnalytics,
  ZHandoffResponse,
  ZHandoffsResponse,
  ZInvitationResponse,
  ZMe,
  ZNotificationPreferences,
  ZPendingInvitations,
  ZRole,
  ZSessionResponse,
  ZSessionsResponse,
  ZSuggestionsResponse,
  ZTeammatesResponse,
  ZTier,
  ZUser,
  ZUsersResponse,
} from '@rf/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { isApiError, qs, request, requestParsed } from './client';

/** Query keys in one place so invalidation stays honest. */
export const keys = {
  me: ['me'] as const,
  demo: ['demo'] as const,
  sessions: (filters?: SessionFilters) =>
    filters ? (['sessions', filters] as const) : (['sessions'] as const),
  session: (id: string) => ['session', id] as const,
  suggestions: (id: string) => ['session', id, 'suggestions'] as const,
  queue: ['handoffs', 'queue'] as const,
  handoffs: ['handoffs'] as const,
  handoff: (id: string) => ['handoff', id] as const,
  escalationAnalytics: (period: Period, compare: boolean) =>
    ['analytics', 'escalations', period, compare] as const,
  users: ['users'] as const,
  teammates: ['teammates'] as const,
  invitations: ['invitations'] as const,
  invitation: (token: string) => ['invitation', token] as const,
  notificationPreferences: ['me', 'notification-preferences'] as const,
};

export type Period = '7d' | '30d' | '90d';
export interface SessionFilters {
  status?: 'active' | 'escalated' | 'resolved';
  owner?: 'me';
  q?: string;
}

// ---------- Auth ----------

/** The signed-in user, or null when the session cookie is missing or expired. */
export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async () => {
    try {
      return await requestParsed(ZMe, 'GET', '/api/me');
    } catch (err) {
      if (isApiError(err, 401)) return null;
      throw err;
    }
  },
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useDemoInfo() {
  return useQuery({
    queryKey: keys.demo,
    queryFn: async () => {
      try {
        return await requestParsed(ZDemoInfo, 'GET', '/api/demo');
      } catch (err) {
        // An install without the demo route simply shows no demo sign-ins.
        if (isApiError(err, 404)) return { demo: false, signIns: [] };
        throw err;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

const ZAuthResponse = ZMe.pick({ user: true, account: true });

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TLoginBody) => requestParsed(ZAuthResponse, 'POST', '/api/auth/login', body),
    onSuccess: async () => {
      qc.clear();
      await qc.fetchQuery(meQuery);
    },
  });
}

export function useSignup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TSignupBody) => requestParsed(ZAuthResponse, 'POST', '/api/auth/signup', body),
    onSuccess: async () => {
      qc.clear();
      await qc.fetchQuery(meQuery);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request('POST', '/api/auth/logout'),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(keys.me, null);
    },
  });
}

const ZInvitationLookup = z.object({
  invitation: z.object({ email: z.string(), role: ZRole, tier: ZTier }),
  account: z.object({ name: z.string() }),
});

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: keys.invitation(token),
    queryFn: () => requestParsed(ZInvitationLookup, 'GET', `/api/invitations/${encodeURIComponent(token)}`),
    retry: false,
  });
}

export function useAcceptInvitation(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TAcceptInvitationBody) =>
      requestParsed(ZAuthResponse, 'POST', `/api/invitations/${encodeURIComponent(token)}/accept`, body),
    onSuccess: async () => {
      qc.clear();
      await qc.fetchQuery(meQuery);
    },
  });
}

// ---------- Sessions ----------

export function useSessions(filters: SessionFilters) {
  return useQuery({
    queryKey: keys.sessions(filters),
    queryFn: () =>
      requestParsed(
        ZSessionsResponse,
        'GET',
        `/api/sessions${qs({ status: filters.status, owner: filters.owner, q: filters.q })}`,
      ),
    placeholderData: (prev) => prev,
    // Teammates create and change sessions all day: always revalidate when the list is shown.
    staleTime: 0,
  });
}

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: keys.session(id),
    queryFn: async () =>
      (await requestParsed(ZSessionResponse, 'GET', `/api/sessions/${encodeURIComponent(id)}`)).session,
  });

export function useSession(id: string) {
  return useQuery(sessionQuery(id));
}

export function useSuggestions(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.suggestions(id),
    queryFn: () =>
      requestParsed(ZSuggestionsResponse, 'GET', `/api/sessions/${encodeURIComponent(id)}/suggestions`),
    enabled,
  });
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: TCreateSessionBody) =>
      (await requestParsed(ZSessionResponse, 'POST', '/api/sessions', body)).session,
    onSuccess: (session) => {
      qc.setQueryData(keys.session(session.id), session);
      void qc.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
}

/** After any change to a session: refresh it, its suggestions, lists and the queue. */
function useInvalidateSession(id: string) {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.session(id) }),
      qc.invalidateQueries({ queryKey: ['sessions'] }),
      qc.invalidateQueries({ queryKey: keys.handoffs }),
    ]);
}

export function useLogStep(id: string) {
  const invalidate = useInvalidateSession(id);
  return useMutation({
    mutationFn: (body: TStepBody) => request('POST', `/api/sessions/${encodeURIComponent(id)}/steps`, body),
    onSuccess: invalidate,
  });
}

export function useAddNote(id: string) {
  const invalidate = useInvalidateSession(id);
  return useMutation({
    mutationFn: (text: string) => request('POST', `/api/sessions/${encodeURIComponent(id)}/notes`, { text }),
    onSuccess: invalidate,
  });
}

export function useAskAssistant(id: string) {
  const invalidate = useInvalidateSession(id);
  return useMutation({
    mutationFn: (text: string) =>
      requestParsed(ZAssistantReply, 'POST', `/api/sessions/${encodeURIComponent(id)}/assistant/messages`, {
        text,
      }),
    onSuccess: invalidate,
  });
}

export function useResolveSession(id: string) {
  const invalidate = useInvalidateSession(id);
  return useMutation({
    mutationFn: (resolution: string) =>
      request('POST', `/api/sessions/${encodeURIComponent(id)}/resolve`, { resolution }),
    onSuccess: invalidate,
  });
}

export function useEscalate(id: string) {
  const invalidate = useInvalidateSession(id);
  return useMutation({
    mutationFn: async (body: TCreateHandoffBody) =>
      (
        await requestParsed(
          ZHandoffResponse,
          'POST',
          `/api/sessions/${encodeURIComponent(id)}/handoffs`,
          body,
        )
      ).handoff,
    onSuccess: invalidate,
  });
}

// ---------- Handoffs ----------

export const queueQuery = queryOptions({
  queryKey: keys.queue,
  queryFn: async () =>
    (await requestParsed(ZHandoffsResponse, 'GET', '/api/handoffs?status=open,claimed')).handoffs,
});

export function useQueue() {
  return useQuery(queueQuery);
}

export function useHandoff(id: string) {
  return useQuery({
    queryKey: keys.handoff(id),
    queryFn: async () =>
      (await requestParsed(ZHandoffResponse, 'GET', `/api/handoffs/${encodeURIComponent(id)}`)).handoff,
  });
}

function useHandoffAction(action: 'claim' | 'release' | 'cancel') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (handoffId: string) =>
      request('POST', `/api/handoffs/${encodeURIComponent(handoffId)}/${action}`),
    onSettled: (_data, _err, handoffId) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.handoffs }),
        qc.invalidateQueries({ queryKey: keys.handoff(handoffId) }),
        qc.invalidateQueries({ queryKey: ['session'] }),
        qc.invalidateQueries({ queryKey: ['sessions'] }),
      ]),
  });
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

// ---------- Analytics ----------

/** `compare` adds the previous period's figures (for deltas); the queue's metric card needs none. */
export function useEscalationAnalytics(period: Period, opts: { enabled?: boolean; compare?: boolean } = {}) {
  const compare = opts.compare ?? false;
  return useQuery({
    queryKey: keys.escalationAnalytics(period, compare),
    queryFn: () =>
      requestParsed(
        ZEscalationAnalytics,
        'GET',
        `/api/analytics/flowpilot/escalations${qs({ period, compare: compare ? 'true' : undefined })}`,
      ),
    enabled: opts.enabled ?? true,
    retry: (count, err) => !isApiError(err, 403) && count < 2,
  });
}

// ---------- Team and preferences ----------

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: keys.users,
    queryFn: async () => (await requestParsed(ZUsersResponse, 'GET', '/api/users')).users,
    enabled,
    retry: (count, err) => !isApiError(err, 403) && count < 2,
  });
}

/** Engineer-or-admin teammates (escalation targets); readable by every signed-in user. */
export function useTeammates(enabled = true) {
  return useQuery({
    queryKey: keys.teammates,
    queryFn: async () => (await requestParsed(ZTeammatesResponse, 'GET', '/api/teammates')).teammates,
    enabled,
  });
}

export function usePatchUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: TPatchUserBody }) =>
      request('PATCH', `/api/users/${encodeURIComponent(id)}`, body).then((d) => {
        const parsed = z.object({ user: ZUser }).safeParse(d);
        return parsed.success ? parsed.data.user : null;
      }),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.users }),
        qc.invalidateQueries({ queryKey: keys.me }),
      ]),
  });
}

export function usePendingInvitations(enabled = true) {
  return useQuery({
    queryKey: keys.invitations,
    queryFn: async () => (await requestParsed(ZPendingInvitations, 'GET', '/api/invitations')).invitations,
    enabled,
  });
}

export function useInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TInvitationBody) =>
      requestParsed(ZInvitationResponse, 'POST', '/api/invitations', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.invitations }),
  });
}

export function useNotificationPreferences() {
  return useQuery({
    queryKey: keys.notificationPreferences,
    queryFn: () => requestParsed(ZNotificationPreferences, 'GET', '/api/me/notification-preferences'),
  });
}

export function useSaveNotificationPreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TNotificationPreferences) =>
      requestParsed(ZNotificationPreferences, 'PUT', '/api/me/notification-preferences', body),
    onSuccess: (data) => qc.setQueryData(keys.notificationPreferences, data),
  });
}
