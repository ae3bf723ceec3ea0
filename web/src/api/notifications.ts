import {
  type TNotificationPreferencesBody,
  type TNotificationSettingsBody,
  type TWebhookTestBody,
  ZMailOutboxResponse,
  ZNotificationPreferences,
  ZNotificationSettings,
  ZNotificationsResponse,
  ZWebhookTestResult,
} from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { requestParsed } from './client';

/** Query keys of the notification screens. */
export const notificationKeys = {
  preferences: ['me', 'notification-preferences'] as const,
  settings: ['account', 'notification-settings'] as const,
  mailOutbox: ['mail-outbox'] as const,
  delivery: (handoffId: string) => ['handoff', handoffId, 'notifications'] as const,
};

export function useNotificationPrefs() {
  return useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: () => requestParsed(ZNotificationPreferences, 'GET', '/api/me/notification-preferences'),
  });
}

export function useSaveNotificationPrefs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TNotificationPreferencesBody) =>
      requestParsed(ZNotificationPreferences, 'PUT', '/api/me/notification-preferences', body),
    onSuccess: (data) => qc.setQueryData(notificationKeys.preferences, data),
  });
}

export function useNotificationSettings(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.settings,
    queryFn: () => requestParsed(ZNotificationSettings, 'GET', '/api/account/notification-settings'),
    enabled,
  });
}

export function useSaveNotificationSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TNotificationSettingsBody) =>
      requestParsed(ZNotificationSettings, 'PUT', '/api/account/notification-settings', body),
    onSuccess: (data) => qc.setQueryData(notificationKeys.settings, data),
  });
}

export function useTestWebhook() {
  return useMutation({
    mutationFn: (body: TWebhookTestBody) =>
      requestParsed(ZWebhookTestResult, 'POST', '/api/account/webhook/test', body),
  });
}

export function useMailOutbox() {
  return useQuery({
    queryKey: notificationKeys.mailOutbox,
    queryFn: () => requestParsed(ZMailOutboxResponse, 'GET', '/api/mail-outbox?limit=100'),
    // New mail lands while the page is open (the worker writes it a moment after a commit).
    refetchInterval: 10_000,
  });
}

/** The delivery rows of one handoff (admins); polled while something is still on its way. */
export function useHandoffDelivery(handoffId: string, enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.delivery(handoffId),
    queryFn: async () =>
      (
        await requestParsed(
          ZNotificationsResponse,
          'GET',
          `/api/handoffs/${encodeURIComponent(handoffId)}/notifications`,
        )
      ).notifications,
    enabled,
    refetchInterval: (q) => (q.state.data?.some((n) => n.status === 'pending') ? 3000 : false),
  });
}
