import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import type { TokenPair } from './types';
import { createTokenManager, type TokenManager } from '../auth/tokenManager';

export const API_PREFIX = '/api/v1';

/** Endpoints where a 401 means "wrong credentials", not "access token expired". */
const NO_REFRESH_RETRY = new Set<string>([
  '/api/v1/auth/login',
  '/api/v1/auth/register',
  '/api/v1/auth/refresh',
  '/api/v1/auth/otp/request',
  '/api/v1/auth/otp/verify',
  '/api/v1/auth/password/forgot',
  '/api/v1/auth/password/reset',
  '/api/v1/auth/email/verify',
]);

function defaultBaseUrl(): string {
  return typeof window !== 'undefined' && window.location ? window.location.origin : '';
}

/**
 * Plain POST /auth/refresh (the refresh token travels in the HttpOnly cookie).
 * Resolves null on 401/403 (no valid session); throws on network errors and 5xx.
 */
export function makeRefreshRequest(
  baseUrl: () => string,
  fetchImpl: () => typeof fetch,
): () => Promise<TokenPair | null> {
  const run = async (): Promise<TokenPair | null> => {
    const res = await fetchImpl()(`${baseUrl()}${API_PREFIX}/auth/refresh`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
    });
    if (res.status === 401 || res.status === 403) return null;
    if (!res.ok) throw new Error(`Session refresh failed (${res.status})`);
    return (await res.json()) as TokenPair;
  };
  return async () => {
    // Refresh tokens are single-use (reuse revokes the session), and all tabs share one cookie:
    // serialise refreshes across tabs so no two send the same cookie at once.
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? ((await locks.request('tonearm-auth-refresh', run)) as TokenPair | null) : run();
  };
}

/**
 * openapi-fetch middleware: adds `Authorization: Bearer …`, and on a 401 refreshes once
 * (sharing any refresh already in flight) and retries the request once with the new token.
 * If the refresh fails, the session is cleared, which sends the user to sign-in.
 */
export function authMiddleware(tokens: TokenManager): Middleware {
  const pending = new Map<string, Request>();
  return {
    onRequest({ request, schemaPath, id }) {
      const token = tokens.getAccessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      if (!NO_REFRESH_RETRY.has(schemaPath)) pending.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id, options }) {
      const original = pending.get(id);
      pending.delete(id);
      if (response.status !== 401 || !original) return response;
      const sent = original.headers.get('Authorization');
      const current = tokens.getAccessToken();
      let token: string;
      if (current && sent !== `Bearer ${current}`) {
        // Someone else refreshed while this request was in flight: just retry.
        token = current;
      } else {
        let pair: TokenPair | null;
        try {
          pair = await tokens.refresh();
        } catch {
          return response;
        }
        if (!pair) return response; // tokens.refresh() already cleared the session
        token = pair.access_token;
      }
      original.headers.set('Authorization', `Bearer ${token}`);
      return options.fetch(original);
    },
    onError({ id }) {
      pending.delete(id);
    },
  };
}

export function createApi(tokens: TokenManager, baseUrl: () => string = defaultBaseUrl) {
  const client = createClient<paths>({
    baseUrl: baseUrl(),
    credentials: 'same-origin',
    // Resolve fetch at call time so tests can stub globalThis.fetch.
    fetch: (input: Request) => globalThis.fetch(input),
  });
  client.use(authMiddleware(tokens));
  return client;
}

export type Api = ReturnType<typeof createApi>;

export const tokens = createTokenManager({
  refreshRequest: makeRefreshRequest(defaultBaseUrl, () => globalThis.fetch),
});

export const api = createApi(tokens);
