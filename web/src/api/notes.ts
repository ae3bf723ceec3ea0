import type { TNoteExportFormat, TNotePreviewBody } from '@rf/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call } from './client';
import { endpoints } from './endpoints';
import { keys } from './keys';

/** The session's saved ticket notes, oldest first. */
export function useSessionNotes(sessionId: string, enabled = true) {
  return useQuery({
    queryKey: keys.session.notes(sessionId),
    queryFn: async () => (await call(endpoints.sessionNotes, { params: { id: sessionId } })).notes,
    enabled,
  });
}

/** `value`, once it has not changed for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The note the session would write for what was typed so far, asked again 400 ms after the
 * typing stops. The previous preview stays on screen while the next one loads.
 */
export function useNotePreview(sessionId: string, body: TNotePreviewBody, enabled: boolean) {
  const settled = useDebounced(body, 400);
  return useQuery({
    queryKey: keys.notePreview(sessionId, settled),
    queryFn: () => call(endpoints.notePreview, { params: { id: sessionId }, body: settled }),
    enabled,
    placeholderData: keepPreviousData,
    // Steps may have been logged since the dialog was last open: ask again each time it opens.
    staleTime: 0,
    refetchOnWindowFocus: false,
    retry: 1,
  });
}

/** A note's download link: a plain link, so the browser downloads it with the cookie. */
export const noteExportUrl = (sessionId: string, noteId: string, format: TNoteExportFormat) =>
  endpoints.noteExport.path({ id: sessionId, noteId, format });
