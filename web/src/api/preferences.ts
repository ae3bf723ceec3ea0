import type { TNotificationPreferences } from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { keys } from './keys';

export function useNotificationPreferences() {
  return useQuery({
    queryKey: keys.notificationPreferences,
    queryFn: () => call(endpoints.notificationPreferences),
  });
}

export function useSaveNotificationPreferences() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (body: TNotificationPreferences) => call(endpoints.saveNotificationPreferences, { body }),
      onSuccess: (data) => qc.setQueryData(keys.notificationPreferences, data),
    }),
  );
}
