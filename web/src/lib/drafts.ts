import { useCallback, useState } from 'react';

/**
 * Unsent text, kept per session and per composer in sessionStorage: leaving a session and
 * coming back, reloading the tab, or being sent to sign-in and back keeps what you typed.
 * sessionStorage is per tab, so two tabs do not overwrite each other's drafts. The key always
 * includes the session id: a draft (or a prefill) written for one session can never appear
 * in another.
 */
export type DraftKind =
  | 'assistant'
  | 'step-action'
  | 'step-detail'
  | 'note'
  | 'escalate-reason'
  | 'start-here';

const PREFIX = 'rf:draft:';
// Where sessionStorage is unavailable (disabled, or full) drafts live for the page's life only.
const fallback = new Map<string, string>();

export function draftKey(sessionId: string, kind: DraftKind) {
  return `${PREFIX}${sessionId}:${kind}`;
}

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null;
  }
}

export function readDraft(sessionId: string, kind: DraftKind): string {
  const key = draftKey(sessionId, kind);
  try {
    const stored = storage()?.getItem(key);
    if (stored != null) return stored;
  } catch {
    // unreadable storage: fall through to the in-memory copy
  }
  return fallback.get(key) ?? '';
}

export function writeDraft(sessionId: string, kind: DraftKind, value: string) {
  const key = draftKey(sessionId, kind);
  if (value) fallback.set(key, value);
  else fallback.delete(key);
  try {
    if (value) storage()?.setItem(key, value);
    else storage()?.removeItem(key);
  } catch {
    // quota exceeded or storage disabled: the in-memory copy still holds it for this page
  }
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

/** A draft holding a small JSON value (e.g. the Start here hint: its action and why). */
export function useJsonDraft<T>(sessionId: string, kind: DraftKind): [T | null, (value: T | null) => void] {
  const [raw, setRaw] = useDraft(sessionId, kind);
  let value: T | null = null;
  try {
    value = raw ? (JSON.parse(raw) as T) : null;
  } catch {
    value = null;
  }
  const set = useCallback((next: T | null) => setRaw(next === null ? '' : JSON.stringify(next)), [setRaw]);
  return [value, set];
}
