import { useQuery } from '@tanstack/react-query';
import { call } from './client';
import { endpoints } from './endpoints';
import { keys } from './keys';
import { useSessionWrite } from './sessions';

export function useSuggestions(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.session.suggestions(id),
    queryFn: () => call(endpoints.suggestions, { params: { id } }),
    enabled,
  });
}

/** Sends a chat message; the answer carries the reply and the session with both entries. */
export function useAskAssistant(id: string) {
  return useSessionWrite(
    id,
    (text: string, idempotencyKey) =>
      call(endpoints.askAssistant, { params: { id }, body: { text }, idempotencyKey }),
    { idempotent: true },
  );
}
