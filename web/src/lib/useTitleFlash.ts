import { useCallback, useEffect, useRef, useState } from 'react';
import { APP_NAME } from './useTitle';

/**
 * While the tab is hidden and new escalations arrived, alternate the tab title between
 * "(N) New escalation — ResolutionFlow" and the page title about once a second.
 * Returns `notify(count)` to call when new cards arrive.
 */
export function useTitleFlash() {
  const [pending, setPending] = useState(0);
  const baseTitle = useRef('');

  useEffect(() => {
    const onVisible = () => {
      if (!document.hidden) setPending(0);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  useEffect(() => {
    if (pending === 0) return;
    baseTitle.current = document.title;
    let alt = false;
    const timer = window.setInterval(() => {
      alt = !alt;
      document.title = alt ? `(${pending}) New escalation — ${APP_NAME}` : baseTitle.current;
    }, 1000);
    document.title = `(${pending}) New escalation — ${APP_NAME}`;
    alt = true;
    return () => {
      window.clearInterval(timer);
      document.title = baseTitle.current;
    };
  }, [pending]);

  return useCallback((count: number) => {
    if (count > 0 && document.hidden) setPending((p) => p + count);
  }, []);
}
