import type {
  TNotificationPreferencesBody,
  TNotificationSettingsBody,
  TWebhookTestBody,
} from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { keys } from './keys';

/** The signed-in user's e-mail and reminder switches. */
export function useNotificationPrefs() {
  return useQuery({
    queryKey: keys.notificationPreferences,
    queryFn: () => call(endpoints.notificationPreferences),
  });
}

export function useSaveNotificationPrefs() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TNotificationPreferencesBody) =>
        call(endpoints.saveNotificationPreferences, { body }),
      onSuccess: (data) => qc.setQueryData(keys.notificationPreferences, data),
    }),
  );
}

/** The account's chat webhook and reminder delay (admins). */
export function useNotificationSettings(enabled = true) {
  return useQuery({
    queryKey: keys.notificationSettings,
    queryFn: () => call(endpoints.notificationSettings),
    enabled,
  });
}

export function useSaveNotificationSettings() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TNotificationSettingsBody) => call(endpoints.saveNotificationSettings, { body }),
      onSuccess: (data) => qc.setQueryData(keys.notificationSettings, data),
    }),
  );
}

export function useTestWebhook() {
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TWebhookTestBody) => call(endpoints.testWebhook, { body }),
    }),
  );
}

export function useMailOutbox() {
  return useQuery({
    queryKey: keys.mailOutbox,
    queryFn: () => call(endpoints.mailOutbox, { params: { limit: 100 } }),
    // New mail lands while the page is open (the worker writes it a moment after a commit).
    refetchInterval: 10_000,
  });
}

/** The delivery rows of one handoff (admins); polled while something is still on its way. */
export function useHandoffDelivery(handoffId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.handoffs.delivery(handoffId),
    queryFn: async () => (await call(endpoints.handoffDelivery, { params: { id: handoffId } })).notifications,
    enabled,
    refetchInterval: (q) => (q.state.data?.some((n) => n.status === 'pending') ? 3000 : false),
  });
}
