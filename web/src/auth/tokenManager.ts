import type { TokenPair, User } from '../api/types';

export type AuthStatus = 'loading' | 'authenticated' | 'anonymous';

export interface AuthSnapshot {
  status: AuthStatus;
  accessToken: string | null;
  user: User | null;
}

export interface TokenManagerOptions {
  /** Performs POST /auth/refresh. Resolves null when the server says there is no session (401). */
  refreshRequest: () => Promise<TokenPair | null>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** How long before expiry to refresh, in seconds, for a token that lives `expiresIn` seconds. */
export function refreshDelaySeconds(expiresIn: number): number {
  const lead = expiresIn > 120 ? 60 : expiresIn * 0.25;
  return Math.max(5, expiresIn - lead);
}

/**
 * Holds the access token in memory only and owns the refresh flow.
 * Concurrent refresh() calls share a single request in flight.
 */
export function createTokenManager(options: TokenManagerOptions) {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));

  let snapshot: AuthSnapshot = { status: 'loading', accessToken: null, user: null };
  let inflight: Promise<TokenPair | null> | null = null;
  let started: Promise<TokenPair | null> | null = null;
  let timer: unknown = null;
  let generation = 0;
  const listeners = new Set<() => void>();

  function emit(next: AuthSnapshot) {
    snapshot = next;
    for (const l of listeners) l();
  }

  function cancelTimer() {
    if (timer !== null) clearTimer(timer);
    timer = null;
  }

  function schedule(expiresIn: number) {
    cancelTimer();
    timer = setTimer(() => {
      timer = null;
      refresh().catch(() => {
        // Network trouble: try again shortly rather than dropping the session.
        if (snapshot.status === 'authenticated') schedule(40);
      });
    }, refreshDelaySeconds(expiresIn) * 1000);
  }

  function setSession(pair: TokenPair) {
    generation++;
    emit({ status: 'authenticated', accessToken: pair.access_token, user: pair.user });
    schedule(pair.expires_in);
  }

  function clear() {
    generation++;
    cancelTimer();
    emit({ status: 'anonymous', accessToken: null, user: null });
  }

  function setUser(user: User) {
    if (snapshot.status !== 'authenticated') return;
    emit({ ...snapshot, user });
  }

  function refresh(): Promise<TokenPair | null> {
    if (inflight) return inflight;
    const gen = generation;
    const p = (async () => {
      try {
        const pair = await options.refreshRequest();
        // A sign-in/sign-out that happened meanwhile wins over this refresh's outcome.
        if (gen === generation) {
          if (pair) setSession(pair);
          else clear();
        }
        return pair;
      } catch (err) {
        if (gen === generation && snapshot.status === 'loading') clear();
        throw err;
      }
    })();
    inflight = p;
    const reset = () => {
      if (inflight === p) inflight = null;
    };
    p.then(reset, reset);
    return p;
  }

  /** Restore a session silently on app start (idempotent). */
  function start(): Promise<TokenPair | null> {
    // Already signed in (or out) explicitly before start: nothing to restore.
    started ??= snapshot.status === 'loading' ? refresh().catch(() => null) : Promise.resolve(null);
    return started;
  }

  return {
    getSnapshot: () => snapshot,
    getAccessToken: () => snapshot.accessToken,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    refresh,
    start,
    setSession,
    setUser,
    clear,
  };
}

export type TokenManager = ReturnType<typeof createTokenManager>;
