import { NavLink } from 'react-router';

/** The two analytics screens: the figures, and the stopwatch that gives them a baseline. */
export function AnalyticsTabs() {
  return (
    <nav className="segmented analytics-tabs" aria-label="Analytics">
      <NavLink to="/analytics/escalations">Escalations</NavLink>
      <NavLink to="/analytics/stopwatch">Stopwatch</NavLink>
    </nav>
  );
}
