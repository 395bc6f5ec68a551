// Loading data for the work-order pages: one request per key (a new key loads anew, an
// answer for an old key is dropped), a cursor pager over the API's page tokens, and a
// shared clock for the SLA countdowns.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";

export interface Remote<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` whenever `key` changes (null: load nothing). */
export function useRemote<T>(key: string | null, load: () => Promise<T>): Remote<T> {
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<{ key: string; data?: T; error?: unknown } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const fullKey = key === null ? null : `${key}#${tick}`;
  useEffect(() => {
    if (fullKey === null) return;
    let cancelled = false;
    loadRef.current().then(
      (data) => {
        if (!cancelled) setResult({ key: fullKey, data });
      },
      (error: unknown) => {
        if (!cancelled) setResult({ key: fullKey, error: error ?? new Error("failed") });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [fullKey]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = result && result.key === fullKey ? result : null;
  // While a new key loads, the previous answer stays on screen (no flicker between pages).
  return {
    data: current ? current.data : result?.data,
    error: current?.error,
    loading: fullKey !== null && !current,
    reload,
  };
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface CursorPager<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  /** 1-based. */
  page: number;
  hasPrev: boolean;
  hasNext: boolean;
  prev: () => void;
  next: () => void;
  reload: () => void;
}

/**
 * Pages through a list the server pages with tokens: the stack of tokens that led to the
 * current page gives Prev, the answer's next token gives Next. A new `key` (other
 * filters) starts again from the first page.
 */
export function useCursorPager<T>(
  key: string,
  load: (pageToken: string) => Promise<Page<T>>,
): CursorPager<T> {
  const [position, setPosition] = useState<{ key: string; tokens: string[] }>({
    key,
    tokens: [""],
  });
  const tokens = position.key === key ? position.tokens : [""];
  const token = tokens[tokens.length - 1];
  const remote = useRemote(`${key}|${token}`, () => load(token));
  const nextToken = remote.data?.next;
  return {
    items: remote.data?.items ?? [],
    loading: remote.loading,
    error: remote.error,
    page: tokens.length,
    hasPrev: tokens.length > 1,
    hasNext: !!nextToken && !remote.loading,
    prev: () => setPosition({ key, tokens: tokens.slice(0, -1) }),
    next: () => {
      if (nextToken) setPosition({ key, tokens: [...tokens, nextToken] });
    },
    reload: remote.reload,
  };
}

interface Clock {
  subscribe: (listener: () => void) => () => void;
  get: () => number;
}
const clocks = new Map<number, Clock>();

/** One ticking clock per interval, running only while someone listens. */
function clock(intervalMs: number): Clock {
  const existing = clocks.get(intervalMs);
  if (existing) return existing;
  let now = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const listeners = new Set<() => void>();
  const created: Clock = {
    subscribe: (listener) => {
      listeners.add(listener);
      if (!timer) {
        now = Date.now();
        timer = setInterval(() => {
          now = Date.now();
          listeners.forEach((l) => l());
        }, intervalMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    get: () => now,
  };
  clocks.set(intervalMs, created);
  return created;
}

/** The current time, updated every `intervalMs` while someone shows it. */
export function useNow(intervalMs = 1000): number {
  const c = clock(intervalMs);
  return useSyncExternalStore(c.subscribe, c.get);
}
