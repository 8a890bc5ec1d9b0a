import { describe, expect, it } from 'vitest';
import { createApi } from './client';
import { makeTokens, mockFetch, on, json, problem, tokenPair, testUser } from '../test/utils';

const origin = () => window.location.origin;

describe('api client auth middleware', () => {
  it('sends the in-memory access token as a bearer header', async () => {
    const { calls } = mockFetch(on('GET', '/api/v1/me', () => json(testUser)));
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok-A'));
    const api = createApi(tokens, origin);
    const { data } = await api.GET('/api/v1/me');
    expect(data?.username).toBe('ada');
    expect(calls[0]?.auth).toBe('Bearer tok-A');
  });

  it('on 401 refreshes once and retries the request with the new token', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/auth/refresh', () => json(tokenPair('tok-B'))),
      on('PATCH', '/api/v1/me', (call) =>
        call.auth === 'Bearer tok-B' ? json({ ...testUser, bio: (call.body as { bio: string }).bio }) : problem(401, 'Access token is invalid or expired'),
      ),
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok-A'));
    const api = createApi(tokens, origin);
    const { data, error } = await api.PATCH('/api/v1/me', { body: { bio: 'hi' } });
    expect(error).toBeUndefined();
    expect(data?.bio).toBe('hi');
    expect(calls.map((c) => `${c.method} ${c.path} ${c.auth ?? '-'}`)).toEqual([
      'PATCH /api/v1/me Bearer tok-A',
      'POST /api/v1/auth/refresh -',
      'PATCH /api/v1/me Bearer tok-B',
    ]);
    // The retried request carried the original body.
    expect(calls[2]?.body).toEqual({ bio: 'hi' });
    expect(tokens.getAccessToken()).toBe('tok-B');
  });

  it('concurrent 401s trigger a single refresh', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/auth/refresh', async () => {
        await new Promise((r) => setTimeout(r, 20));
        return json(tokenPair('tok-B'));
      }),
      on('GET', '/api/v1/me', (call) => (call.auth === 'Bearer tok-B' ? json(testUser) : problem(401, 'Expired'))),
      on('GET', '/api/v1/auth/sessions', (call) =>
        call.auth === 'Bearer tok-B' ? json({ items: [], next_cursor: null }) : problem(401, 'Expired'),
      ),
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok-A'));
    const api = createApi(tokens, origin);
    const results = await Promise.all([api.GET('/api/v1/me'), api.GET('/api/v1/auth/sessions'), api.GET('/api/v1/me')]);
    expect(results.every((r) => r.response.ok)).toBe(true);
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('when the refresh fails, returns the 401 and signs the user out', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session')),
      on('GET', '/api/v1/me', () => problem(401, 'Expired')),
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok-A'));
    const api = createApi(tokens, origin);
    const { error, response } = await api.GET('/api/v1/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ title: 'Expired' });
    expect(calls).toHaveLength(2);
    expect(tokens.getSnapshot().status).toBe('anonymous');
  });

  it('does not refresh on a failed login (401 means wrong credentials there)', async () => {
    const { calls } = mockFetch(on('POST', '/api/v1/auth/login', () => problem(401, 'Invalid credentials')));
    const tokens = makeTokens();
    const api = createApi(tokens, origin);
    const { response } = await api.POST('/api/v1/auth/login', { body: { login: 'ada', password: 'nope' } });
    expect(response.status).toBe(401);
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/login']);
  });

  it('retries only once: a second 401 is returned as is', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/auth/refresh', () => json(tokenPair('tok-B'))),
      on('GET', '/api/v1/me', () => problem(401, 'Still no')),
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok-A'));
    const api = createApi(tokens, origin);
    const { response } = await api.GET('/api/v1/me');
    expect(response.status).toBe(401);
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me']);
  });
});
