import { useEffect } from 'react';

export const APP_NAME = 'ResolutionFlow';

export function pageTitle(title?: string) {
  return title ? `${title} — ${APP_NAME}` : APP_NAME;
}

export function useTitle(title?: string) {
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
}
