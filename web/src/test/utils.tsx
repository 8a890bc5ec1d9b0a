import { StrictMode, type ReactElement, type ReactNode } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { vi } from 'vitest';
import { createApi, makeRefreshRequest } from '../api/client';
import type { TokenPair, User } from '../api/types';
import { AuthProvider } from '../auth/AuthContext';
import { createTokenManager, type TokenManager } from '../auth/tokenManager';
import { createQueryClient } from '../api/queryClient';

export const testUser: User = {
  id: '7f0c6f7e-55b5-4f0c-9d55-2f7a9c1f0001',
  email: 'ada@example.com',
  username: 'ada',
  display_name: 'Ada Lovelace',
  bio: null,
  role: 'listener',
  email_verified: true,
  created_at: '2026-01-01T10:00:00Z',
};

export function tokenPair(access = 'access-1', user: User = testUser, expiresIn = 900): TokenPair {
  return { user, access_token: access, refresh_token: 'ignored', token_type: 'bearer', expires_in: expiresIn };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

export function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return json({ type: 'about:blank', title, status, code: title.toLowerCase().replace(/\W+/g, '_'), detail, ...extra }, status, headers);
}

export interface RecordedCall {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

type Handler = (req: Request, call: RecordedCall) => Response | Promise<Response | undefined> | undefined;

/** A JSON body parsed; any other (a multipart form) as its text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Stubs globalThis.fetch. Each handler may answer a request; unanswered requests fail the test.
 * Returns the list of calls made, in order.
 */
export function mockFetch(...handlers: Handler[]) {
  const calls: RecordedCall[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.clone().text();
    const call: RecordedCall = {
      method: req.method,
      path: new URL(req.url).pathname + new URL(req.url).search,
      auth: req.headers.get('Authorization'),
      body: text ? parseBody(text) : undefined,
    };
    calls.push(call);
    for (const h of handlers) {
      const res = await h(req, call);
      if (res) return res;
    }
    throw new Error(`Unexpected request ${call.method} ${call.path}`);
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

/** Route helper: match "METHOD /path" exactly (path without origin, with query string). */
export function on(method: string, path: string, respond: (call: RecordedCall, req: Request) => Response | Promise<Response>): Handler {
  return (req, call) => (call.method === method && call.path === path ? respond(call, req) : undefined);
}

export function makeTokens(): TokenManager {
  return createTokenManager({ refreshRequest: makeRefreshRequest(() => window.location.origin, () => globalThis.fetch) });
}

function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

export function renderApp(
  ui: ReactElement,
  { route = '/', tokens = makeTokens(), path = '*', extraRoutes }: { route?: string; tokens?: TokenManager; path?: string; extraRoutes?: ReactNode } = {},
) {
  const api = createApi(tokens, () => window.location.origin);
  const queryClient = createQueryClient();
  const result = render(
    <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider api={api} tokens={tokens}>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
            {extraRoutes}
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>
    </StrictMode>,
  );
  return { ...result, api, tokens, queryClient };
}

/**
 * A text/event-stream answer: each event is sent `everyMs` after the last; the stream then stays
 * open (as the server's does) until the request is aborted, unless `close` is set.
 */
export function sseResponse(
  req: Request,
  events: Array<{ event: string; data: unknown }>,
  { everyMs = 10, close = false }: { everyMs?: number; close?: boolean } = {},
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [i, e] of events.entries()) {
        await new Promise((r) => setTimeout(r, everyMs));
        if (req.signal.aborted) return;
        controller.enqueue(encoder.encode(`id: ${i + 1}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
      }
      if (close) controller.close();
      else req.signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')), { once: true });
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
