import { Link } from 'react-router';
import { EmptyState } from '../components/States';
import { useTitle } from '../lib/useTitle';

export function NotFoundPage({ what = 'page' }: { what?: 'page' | 'session' | 'handoff' }) {
  useTitle('Not found');
  return (
    <div className="page">
      <div className="panel">
        <EmptyState icon="search" title={`This ${what} does not exist`}>
          <p>It may have been removed, or the link is wrong.</p>
          <p style={{ marginTop: 'var(--space-3)' }}>
            <Link to="/sessions" className="btn">
              Go to sessions
            </Link>
          </p>
        </EmptyState>
      </div>
    </div>
  );
}
