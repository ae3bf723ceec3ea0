import type { TMe } from '@rf/contracts';
import { type ReactNode, useRef } from 'react';
import { isRouteErrorResponse, Link, Navigate, useLocation, useRouteError } from 'react-router';
import { useMe } from '../api/auth';
import { ErrorState } from '../components/States';
import { BrandMark } from './BrandMark';

/**
 * Renders children only for a signed-in user; otherwise sends them to /signin?from=<here>.
 * Any 401 anywhere clears the user (api/queryClient.ts), which lands here.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div className="boot-screen" role="status" aria-label="Loading ResolutionFlow">
        <BrandMark />
      </div>
    );
  }
  // A failed refresh of a known user keeps the app on screen (pages say "Reconnecting…");
  // only a first load that fails has nothing to show.
  if (me.data === undefined) {
    return (
      <div className="auth-page">
        <div className="auth-card card">
          <ErrorState
            error={me.error}
            onRetry={() => void me.refetch()}
            title="ResolutionFlow could not start"
          />
        </div>
      </div>
    );
  }
  if (!me.data) {
    const from = location.pathname + location.search;
    return (
      <Navigate to={`/signin${from && from !== '/' ? `?from=${encodeURIComponent(from)}` : ''}`} replace />
    );
  }
  return <>{children}</>;
}

/**
 * The signed-in user. Only call below RequireAuth. When a 401 clears the user (a sign-out in another
 * tab), a component below may render once more before RequireAuth's redirect unmounts it (its own
 * query subscription can fire first): it then keeps the user it had, instead of throwing into the
 * error boundary in the middle of the redirect to sign-in.
 */
export function useCurrentUser(): TMe {
  const me = useMe();
  const last = useRef<TMe | null>(null);
  if (me.data) last.current = me.data;
  if (!last.current) throw new Error('useCurrentUser called outside RequireAuth');
  return last.current;
}

export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <div className="auth-page">
      <div className="auth-card card">
        <h1>Something broke on this page</h1>
        <p className="muted" style={{ margin: 'var(--space-2) 0 var(--space-4)' }}>
          {message}
        </p>
        <Link className="btn" to="/sessions">
          Back to sessions
        </Link>
      </div>
    </div>
  );
}
