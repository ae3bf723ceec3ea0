import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { LoadingRows } from './components/States';
import { AppShell } from './layout/AppShell';
import { RequireAuth, RouteError } from './layout/RequireAuth';
import { AcceptInvitePage } from './pages/auth/AcceptInvitePage';
import { ForgotPasswordPage } from './pages/auth/ForgotPasswordPage';
import { ResetPasswordPage } from './pages/auth/ResetPasswordPage';
import { SignInPage } from './pages/auth/SignInPage';
import { SignUpPage } from './pages/auth/SignUpPage';
import { HandoffContextPage } from './pages/handoff-context/HandoffContextPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { QueuePage } from './pages/queue/QueuePage';
import { SessionPage } from './pages/session/SessionPage';
import { NewSessionPage } from './pages/sessions/NewSessionPage';
import { SessionsListPage } from './pages/sessions/SessionsListPage';
import { IntegrationsPage } from './pages/settings/IntegrationsPage';
import { MailOutboxPage } from './pages/settings/MailOutboxPage';
import { SettingsPage } from './pages/settings/SettingsPage';

// The chart library is only needed on the analytics page: load it on demand.
const EscalationAnalyticsPage = lazy(() =>
  import('./pages/analytics/EscalationAnalyticsPage').then((m) => ({ default: m.EscalationAnalyticsPage })),
);
const StopwatchPage = lazy(() =>
  import('./pages/analytics/StopwatchPage').then((m) => ({ default: m.StopwatchPage })),
);

export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage />, errorElement: <RouteError /> },
  { path: '/signup', element: <SignUpPage />, errorElement: <RouteError /> },
  { path: '/invite/:token', element: <AcceptInvitePage />, errorElement: <RouteError /> },
  { path: '/forgot-password', element: <ForgotPasswordPage />, errorElement: <RouteError /> },
  { path: '/reset-password/:token', element: <ResetPasswordPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/sessions" replace /> },
      { path: 'sessions', element: <SessionsListPage /> },
      { path: 'sessions/new', element: <NewSessionPage /> },
      { path: 'sessions/:id', element: <SessionPage /> },
      { path: 'queue', element: <QueuePage /> },
      { path: 'handoffs/:id', element: <HandoffContextPage /> },
      { path: 'analytics', element: <Navigate to="/analytics/escalations" replace /> },
      {
        path: 'analytics/escalations',
        element: (
          <Suspense
            fallback={
              <div className="page">
                <LoadingRows rows={3} height={96} label="Loading analytics" />
              </div>
            }
          >
            <EscalationAnalyticsPage />
          </Suspense>
        ),
      },
      {
        path: 'analytics/stopwatch',
        element: (
          <Suspense
            fallback={
              <div className="page">
                <LoadingRows rows={3} height={96} label="Loading the stopwatch" />
              </div>
            }
          >
            <StopwatchPage />
          </Suspense>
        ),
      },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'settings/mail-outbox', element: <MailOutboxPage /> },
      { path: 'settings/integrations', element: <IntegrationsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
