import type {
  TAcceptInvitationBody,
  TLoginBody,
  TPasswordResetBody,
  TPasswordResetRequestBody,
  TSignupBody,
} from '@rf/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, isApiError } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { keys } from './keys';

/** The signed-in user, or null when the session cookie is missing or expired. */
export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async () => {
    try {
      return await call(endpoints.me);
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
        return await call(endpoints.demo);
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

/** After any sign-in: forget everything cached for whoever was here before, then load the new user. */
function useSignedIn() {
  const qc = useQueryClient();
  return async () => {
    qc.clear();
    await qc.fetchQuery(meQuery);
  };
}

export function useLogin() {
  const onSuccess = useSignedIn();
  return useSingleFlight(
    useMutation({ mutationFn: (body: TLoginBody) => call(endpoints.login, { body }), onSuccess }),
  );
}

export function useSignup() {
  const onSuccess = useSignedIn();
  return useSingleFlight(
    useMutation({ mutationFn: (body: TSignupBody) => call(endpoints.signup, { body }), onSuccess }),
  );
}

export function useLogout() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: () => call(endpoints.logout),
      onSettled: () => {
        qc.clear();
        qc.setQueryData(keys.me, null);
      },
    }),
  );
}

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: keys.invitation(token),
    queryFn: () => call(endpoints.invitationLookup, { params: { token } }),
    retry: false,
  });
}

export function useAcceptInvitation(token: string) {
  const onSuccess = useSignedIn();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TAcceptInvitationBody) =>
        call(endpoints.acceptInvitation, { params: { token }, body }),
      onSuccess,
    }),
  );
}

/** "Forgot password": the server answers the same for every address. */
export function useRequestPasswordReset() {
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TPasswordResetRequestBody) => call(endpoints.requestPasswordReset, { body }),
    }),
  );
}

export function usePasswordResetLookup(token: string) {
  return useQuery({
    queryKey: keys.passwordReset(token),
    queryFn: () => call(endpoints.passwordResetLookup, { params: { token } }),
    retry: false,
  });
}

/**
 * Sets the new password through the link, then signs in with it (the link ended every other
 * sign-in). Resolves with whether that sign-in worked: the password is changed either way, and a
 * sign-in refused now (a sign-in limit someone else ran into) must not read as a failed reset.
 */
export function useCompletePasswordReset(token: string) {
  const signedIn = useSignedIn();
  return useSingleFlight(
    useMutation({
      mutationFn: async (body: TPasswordResetBody) => {
        const { email } = await call(endpoints.completePasswordReset, { params: { token }, body });
        try {
          await call(endpoints.login, { body: { email, password: body.password } });
        } catch {
          return false;
        }
        await signedIn();
        return true;
      },
    }),
  );
}
