import type {
  TCan,
  TEventType,
  THandoff,
  THandoffBase,
  TLiveEvent,
  TSessionDetail,
  TSessionSummary,
} from '@rf/contracts';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { liveStream } from './endpoints';
import { keys } from './keys';

/**
 * The live layer of the web app: one EventSource on /api/events per tab, opened by <LiveProvider>
 * in the app shell and shared by every page through useLive()/useLiveEvent(). Events update the
 * TanStack Query cache directly (what is on screen changes at once) and mark what they touched
 * stale, so the caller's own permissions (`can`) and anything an event does not carry (timelines,
 * audit trails) are refetched. After every (re)connection the client refetches what it shows, so
 * a missed or reordered event can never leave a duplicate or a missing card.
 */

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveMessage {
  /** The event's SSE id: its position in the account's stream. */
  seq: number;
  type: TEventType;
  event: TLiveEvent;
}

type Listener = (m: LiveMessage) => void;

/** After this long without a working stream, "reconnecting" becomes "offline". */
const OFFLINE_AFTER_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export class LiveConnection {
  status: LiveStatus = 'connecting';
  private es: EventSource | null = null;
  private lastSeq: number | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<() => void>();
  private retryTimer: number | null = null;
  private offlineTimer: number | null = null;
  private backoff = 1_000;
  private stopped = false;

  constructor(
    /** The stream's URL for a position (null: from now on). */
    private readonly url: (lastEventId: number | null) => string,
    private readonly hooks: {
      /** Every time the stream is (re)established: refetch what is shown. */
      onReady: () => void;
      /** The stream was refused (a 4xx or 5xx): maybe the sign-in ended. */
      onRefused: () => void;
    },
  ) {}

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.clearTimers();
    this.es?.close();
    this.es = null;
  }

  subscribe(l: Listener) {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }

  onStatus = (l: () => void) => {
    this.statusListeners.add(l);
    return () => {
      this.statusListeners.delete(l);
    };
  };

  private setStatus(s: LiveStatus) {
    if (s === this.status) return;
    this.status = s;
    for (const l of this.statusListeners) l();
  }

  private connect() {
    this.es?.close();
    // A fresh EventSource cannot send Last-Event-ID: the position travels in the query. (The
    // browser's own reconnects send the header, which the server prefers.)
    const es = new EventSource(this.url(this.lastSeq));
    this.es = es;
    es.addEventListener('ready', (e) => {
      // Whether or not the server could replay (`reset`), the views are refetched: events that
      // happened between a page's first fetch and the stream's start are covered too.
      this.track(e as MessageEvent);
      this.backoff = 1_000;
      this.clearTimers();
      this.setStatus('live');
      this.hooks.onReady();
    });
    for (const type of liveStream.types) {
      es.addEventListener(type, (e) => {
        const m = e as MessageEvent;
        const parsed = liveStream.event.safeParse(safeJson(m.data));
        const seq = this.track(m);
        if (!parsed.success || seq === null) return;
        for (const l of this.listeners) l({ seq, type, event: parsed.data });
      });
    }
    es.onerror = () => {
      if (this.stopped || es !== this.es) return;
      this.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
      this.armOfflineTimer();
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (the server answered an error, e.g. 401 after a sign-out, 429,
        // or 503 while restarting): try again ourselves, more slowly each time.
        this.hooks.onRefused();
        this.scheduleRetry();
      }
      // Otherwise (CONNECTING) the browser reconnects by itself, sending Last-Event-ID.
    };
  }

  private track(m: MessageEvent): number | null {
    const n = Number(m.lastEventId);
    if (m.lastEventId === '' || !Number.isFinite(n)) return null;
    this.lastSeq = n;
    return n;
  }

  private scheduleRetry() {
    if (this.retryTimer !== null) return;
    const delay = this.backoff;
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private armOfflineTimer() {
    if (this.offlineTimer !== null) return;
    this.offlineTimer = window.setTimeout(() => {
      this.offlineTimer = null;
      if (this.status !== 'live') this.setStatus('offline');
    }, OFFLINE_AFTER_MS);
  }

  private clearTimers() {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    if (this.offlineTimer !== null) window.clearTimeout(this.offlineTimer);
    this.retryTimer = null;
    this.offlineTimer = null;
  }

  private onOnline = () => {
    if (this.stopped) return;
    // Back on the network: do not wait for the backoff.
    if (this.status !== 'live') {
      this.clearTimers();
      this.backoff = 1_000;
      this.connect();
    }
  };

  private onOffline = () => {
    if (!this.stopped) this.setStatus('offline');
  };
}

function safeJson(s: unknown): unknown {
  try {
    return typeof s === 'string' ? JSON.parse(s) : null;
  } catch {
    return null;
  }
}

// ---------- What an event changes in the cache ----------

const byAge = (x: THandoffBase, y: THandoffBase) => x.createdAt.localeCompare(y.createdAt);

/**
 * A queue card made from a live event before the caller's refetch answered: it shows what every
 * member may see and offers no action until the server says what this caller may do (decision 005).
 */
export type QueueItem = THandoff & { permissionsPending?: true };
const NO_ACTIONS: TCan = { claim: false, release: false, cancel: false, write: false, escalate: false };
const inQueue = (h: THandoffBase) => h.status === 'open' || h.status === 'claimed';

/**
 * Applies one live event to the cached queries (keys from the one key table, ./keys). Items
 * already cached are updated in place with the event's data, keeping whatever the event does not
 * carry: an event's handoff has no `can` (it goes to the whole account, decision 005), so the
 * caller's own `can` stays until the refetch brings the new one; a handoff's context, audit and
 * LLM assessment, a session's timeline and `can` stay too. Every query the event touches is then
 * marked stale and refetched. A new escalation joins the queue at once, from the event, as a card
 * that offers nothing yet (`permissionsPending`, every `can` false): the card is on the senior's
 * screen a refetch sooner, and Pick Up appears when the refetch brings what this caller may do.
 */
export function applyLiveEvent(qc: QueryClient, { type, event }: LiveMessage) {
  const h = event.handoff;
  if (h && type === 'handoff.assessment_added') {
    // Only the handoff's LLM assessment changed, and the event does not carry it: refetch the
    // handoff so an open handoff screen shows it. Queue cards and sessions do not change.
    void qc.invalidateQueries({ queryKey: keys.handoffs.one(h.id) });
  } else if (h) {
    qc.setQueryData<QueueItem[]>(keys.handoffs.queue, (old) => {
      if (!old) return old;
      const i = old.findIndex((x) => x.id === h.id);
      if (i < 0) {
        if (type !== 'handoff.created' || !inQueue(h)) return old;
        return [...old, { ...h, can: NO_ACTIONS, permissionsPending: true as const }].sort(byAge);
      }
      if (!inQueue(h)) return old.filter((x) => x.id !== h.id);
      const next = [...old];
      next[i] = { ...old[i]!, ...h };
      return next.sort(byAge);
    });
    qc.setQueryData<THandoff>(keys.handoffs.one(h.id), (old) => (old ? { ...old, ...h } : old));
    // The queue and every handoff (their `can` may have changed with the status).
    void qc.invalidateQueries({ queryKey: keys.handoffs.all });
    void qc.invalidateQueries({ queryKey: keys.session.one(h.sessionId) });
    void qc.invalidateQueries({ queryKey: keys.sessions.all });
    void qc.invalidateQueries({ queryKey: keys.analytics.all });
  }
  const s = event.session;
  if (s) {
    qc.setQueriesData<{ sessions: TSessionSummary[] }>({ queryKey: keys.sessions.all }, (old) =>
      old?.sessions?.some((x) => x.id === s.id)
        ? { ...old, sessions: old.sessions.map((x) => (x.id === s.id ? { ...x, ...s } : x)) }
        : old,
    );
    qc.setQueryData<TSessionDetail>(keys.session.detail(s.id), (old) => (old ? { ...old, ...s } : old));
    void qc.invalidateQueries({ queryKey: keys.session.one(s.id) }); // its timeline, can and suggestions
    void qc.invalidateQueries({ queryKey: keys.sessions.all });
  }
}

/**
 * What the app shows that live events feed: refetched after every (re)connection. The signed-in
 * user too: a stream ended by a role change comes back under the new role.
 */
export function refetchLiveViews(qc: QueryClient) {
  for (const key of [keys.handoffs.all, keys.session.all, keys.sessions.all, keys.analytics.all, keys.me]) {
    void qc.invalidateQueries({ queryKey: key });
  }
}

// ---------- React ----------

interface LiveContextValue {
  connection: LiveConnection | null;
}

const LiveContext = createContext<LiveContextValue>({ connection: null });

/**
 * Opens this tab's one live connection for the signed-in user (`who` changes: a new connection)
 * and applies its events to the cache. Put it once around the signed-in part of the app.
 */
export function LiveProvider({
  who,
  onRefused,
  children,
}: {
  who: string;
  /** The stream was refused: check whether the sign-in is still valid. */
  onRefused?: () => void;
  children: ReactNode;
}) {
  const qc = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection | null>(null);
  const refused = useRef(onRefused);
  refused.current = onRefused;

  // biome-ignore lint/correctness/useExhaustiveDependencies: another user or account means a new connection
  useEffect(() => {
    if (typeof EventSource === 'undefined') return; // very old browsers: the pages still load
    const c = new LiveConnection(liveStream.path, {
      onReady: () => refetchLiveViews(qc),
      onRefused: () => refused.current?.(),
    });
    const off = c.subscribe((m) => applyLiveEvent(qc, m));
    c.start();
    setConnection(c);
    return () => {
      off();
      c.stop();
      setConnection(null);
    };
  }, [qc, who]);

  return createElement(LiveContext.Provider, { value: { connection } }, children);
}

const noSubscribe = () => () => {};

/** The state of this tab's live connection. */
export function useLiveStatus(): LiveStatus {
  const { connection } = useContext(LiveContext);
  return useSyncExternalStore(
    connection?.onStatus ?? noSubscribe,
    () => connection?.status ?? 'connecting',
    () => 'connecting' as const,
  );
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvent(handler: (m: LiveMessage) => void) {
  const { connection } = useContext(LiveContext);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => connection?.subscribe((m) => ref.current(m)), [connection]);
}
