import { useCallback, useState } from 'react';

/**
 * Unsent text, kept per session and per composer for the life of the tab, so leaving a
 * session and coming back keeps what you typed. The key always includes the session id:
 * a draft (or a prefill) written for one session can never appear in another.
 */
const drafts = new Map<string, string>();

export type DraftKind = 'assistant' | 'step-action' | 'step-detail' | 'note';

export function draftKey(sessionId: string, kind: DraftKind) {
  return `${sessionId}:${kind}`;
}

export function readDraft(sessionId: string, kind: DraftKind): string {
  return drafts.get(draftKey(sessionId, kind)) ?? '';
}

export function writeDraft(sessionId: string, kind: DraftKind, value: string) {
  if (value) drafts.set(draftKey(sessionId, kind), value);
  else drafts.delete(draftKey(sessionId, kind));
}

export function useDraft(sessionId: string, kind: DraftKind): [string, (value: string) => void] {
  // Reading on mount only is correct because the session screen is keyed by session id.
  const [value, setValue] = useState(() => readDraft(sessionId, kind));
  const set = useCallback(
    (next: string) => {
      writeDraft(sessionId, kind, next);
      setValue(next);
    },
    [sessionId, kind],
  );
  return [value, set];
}
