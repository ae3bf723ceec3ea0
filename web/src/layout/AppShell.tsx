import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useLogout } from '../api/auth';
import { useQueue } from '../api/handoffs';
import { keys } from '../api/keys';
import { LiveProvider, useLiveEvent } from '../api/live';
import { Icon, type IconName } from '../components/Icon';
import { LiveIndicator } from '../components/LiveIndicator';
import { initials } from '../lib/format';
import { isAdmin, isEngineerOrAdmin, ROLE_LABEL } from '../lib/roles';
import { useTitleFlash } from '../lib/useTitleFlash';
import { BrandMark } from './BrandMark';
import { useCurrentUser } from './RequireAuth';
import './shell.css';

interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  badge?: number;
}

/** The signed-in frame: one live connection for the tab, the top bar, the page. */
export function AppShell() {
  const me = useCurrentUser();
  const qc = useQueryClient();
  return (
    <LiveProvider
      who={`${me.account.id}/${me.user.id}`}
      // A refused stream may mean the sign-in ended elsewhere: asking /api/me again finds out.
      onRefused={() => void qc.invalidateQueries({ queryKey: keys.me })}
    >
      <Shell />
    </LiveProvider>
  );
}

/**
 * Escalations made by others, told wherever the user is: an ARIA live region, and a flashing tab
 * title while the tab is hidden.
 */
function LiveArrivals() {
  const me = useCurrentUser();
  const flashTitle = useTitleFlash();
  const [announcement, setAnnouncement] = useState('');
  useLiveEvent(({ type, event }) => {
    const h = event.handoff;
    if (type !== 'handoff.created' || !h || h.createdBy.id === me.user.id) return;
    const text = `New escalation, ${h.urgency} urgency: ${h.session.title}`;
    // The same words twice must still be announced: vary them invisibly.
    setAnnouncement((prev) => (prev === text ? `${text}\u00a0` : text));
    flashTitle(1);
  });
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-announcer">
      {announcement}
    </div>
  );
}

function Shell() {
  const me = useCurrentUser();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const navId = useId();
  const navToggleRef = useRef<HTMLButtonElement>(null);
  useFocusHeadingOnNavigate();
  const queue = useQueue();
  const openCount = queue.data?.filter((h) => h.status === 'open').length ?? 0;

  // Close the collapsed nav whenever the route changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => setNavOpen(false), [location.pathname]);

  // The collapsed nav closes on Escape, and focus goes back to its toggle.
  useEffect(() => {
    if (!navOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setNavOpen(false);
      navToggleRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  const items: NavItem[] = [
    { to: '/sessions', label: 'Sessions', icon: 'layers' },
    { to: '/queue', label: 'Queue', icon: 'inbox', badge: openCount },
  ];
  if (isEngineerOrAdmin(me.user.role)) items.push({ to: '/analytics', label: 'Analytics', icon: 'chart' });
  if (isAdmin(me.user.role)) items.push({ to: '/settings', label: 'Settings', icon: 'settings' });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <button
            ref={navToggleRef}
            type="button"
            className="btn btn-ghost nav-toggle"
            aria-expanded={navOpen}
            aria-controls={navId}
            onClick={() => setNavOpen((o) => !o)}
          >
            <Icon name={navOpen ? 'x' : 'menu'} size={18} />
            <span className="visually-hidden">Navigation</span>
          </button>
          <NavLink to="/sessions" className="topbar-brand" aria-label="ResolutionFlow home">
            <BrandMark withName />
          </NavLink>
          <nav id={navId} className={`mainnav${navOpen ? ' is-open' : ''}`} aria-label="Main">
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} className="mainnav-link">
                    <Icon name={item.icon} size={16} />
                    <span>{item.label}</span>
                    {item.badge ? (
                      <span className="nav-count tabular">
                        {item.badge}
                        <span className="visually-hidden"> open</span>
                      </span>
                    ) : null}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="topbar-right">
            <LiveIndicator />
            <span className="account-name" title="Account">
              {me.account.name}
            </span>
            <UserMenu />
          </div>
        </div>
      </header>
      <LiveArrivals />
      <main id="main" className="shell-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function UserMenu() {
  const me = useCurrentUser();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const logout = useLogout();
  const navigate = useNavigate();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="usermenu" ref={ref}>
      <button
        ref={buttonRef}
        type="button"
        className="usermenu-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(me.user.name)}
        </span>
        <span className="visually-hidden">Account menu for {me.user.name}</span>
      </button>
      {open ? (
        <div id={menuId} className="usermenu-panel card" data-testid="user-menu">
          <div className="usermenu-who">
            <strong>{me.user.name}</strong>
            <span className="muted">{me.user.email}</span>
            <span className="muted">
              {ROLE_LABEL[me.user.role]} · Tier {me.user.tier} · {me.account.name}
            </span>
          </div>
          <NavLink to="/settings" className="usermenu-item" onClick={() => setOpen(false)}>
            <Icon name="settings" size={16} />
            {isAdmin(me.user.role) ? 'Settings' : 'Notification preferences'}
          </NavLink>
          <button
            type="button"
            className="usermenu-item"
            disabled={logout.isPending}
            onClick={() =>
              logout.mutate(undefined, {
                onSettled: () => navigate('/signin', { replace: true }),
              })
            }
          >
            <Icon name="logout" size={16} />
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

/**
 * After a navigation (and after signing in), move focus to the new page's heading so keyboard
 * and screen-reader users start at the top of what changed. It waits for the heading (pages
 * show skeletons first) and leaves focus alone if something else took it meanwhile (the step
 * form focusing its input for "Start here", a dialog).
 */
function useFocusHeadingOnNavigate() {
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => {
    const before = document.activeElement;
    const deadline = performance.now() + 5_000;
    let frame = 0;
    const tick = () => {
      const active = document.activeElement;
      const untouched = !active || active === document.body || active === before || !active.isConnected;
      if (!untouched) return;
      const heading = document.querySelector<HTMLElement>('#main h1');
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        heading.focus();
        return;
      }
      if (performance.now() < deadline) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
}
