import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { followJobs, type JobEvent } from './jobEvents';
import { makeTokens, mockFetch, problem, sseResponse, tokenPair } from '../test/utils';

const job = (id: string, status: string) => ({ id, kind: 'k', status, progress: status === 'succeeded' ? 1 : 0.5, message: null });

describe('followJobs', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('delivers every event of the stream, with the bearer token', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch((req, call) =>
      call.path.startsWith('/api/v1/jobs/events')
        ? sseResponse(req, [
            { event: 'state', data: job('a', 'running') },
            { event: 'done', data: job('a', 'succeeded') },
          ])
        : undefined,
    );
    const got: JobEvent[] = [];
    const stop = followJobs(tokens, { jobIds: () => ['a'], onEvent: (e) => got.push(e) });
    await waitFor(() => expect(got.map((e) => [e.id, e.type, e.status])).toEqual([['a', 'state', 'running'], ['a', 'done', 'succeeded']]));
    stop();
    expect(calls[0]).toMatchObject({ path: '/api/v1/jobs/events?job_id=a', auth: 'Bearer tok' });
  });

  it('reconnects when the stream closes, and waits out a 429 Retry-After', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    let n = 0;
    const when: number[] = [];
    mockFetch((req, call) => {
      if (!call.path.startsWith('/api/v1/jobs/events')) return undefined;
      n += 1;
      when.push(Date.now());
      if (n === 1) return sseResponse(req, [{ event: 'state', data: job('a', 'running') }], { close: true });
      if (n === 2) return problem(429, 'Rate limited', 'slow down', {}, { 'Retry-After': '1' });
      return sseResponse(req, [{ event: 'done', data: job('a', 'succeeded') }]);
    });
    const got: string[] = [];
    const stop = followJobs(tokens, { jobIds: () => ['a'], onEvent: (e) => got.push(e.type), minDelayMs: 10 });
    await waitFor(() => expect(got).toEqual(['state', 'done']), { timeout: 6000 });
    stop();
    expect(n).toBe(3);
    expect(when[2]! - when[1]!).toBeGreaterThanOrEqual(950); // the 429 said 1 s
  });
});
