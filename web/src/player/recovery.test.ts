import { describe, expect, it } from 'vitest';
import { BASE_DELAY_MS, MAX_DELAY_MS, MAX_LOAD_RETRIES, Superseded, loadFailureMessage, nextRecovery, parseRetryAfter, retryDelayMs, retrying } from './recovery';

describe('player load recovery', () => {
  it('backs off exponentially, capped', () => {
    expect([0, 1, 2, 3].map((a) => retryDelayMs(a))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(20)).toBe(MAX_DELAY_MS);
  });

  it('honours Retry-After in seconds or as an HTTP date, capped', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(3)).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    expect(retryDelayMs(0, '7')).toBe(7000);
    expect(retryDelayMs(3, '1')).toBe(1000); // the server's word beats the backoff
    expect(retryDelayMs(0, '3600')).toBe(MAX_DELAY_MS);
    expect(retryDelayMs(0, '0')).toBe(BASE_DELAY_MS / 4);
  });

  it('retries a 429 or a network error, then gives up with a message', () => {
    expect(nextRecovery(0, 429, '2')).toEqual({ retry: true, delayMs: 2000 });
    expect(nextRecovery(1, undefined)).toEqual({ retry: true, delayMs: 2000 });
    const spent = nextRecovery(MAX_LOAD_RETRIES, 429, '2');
    expect(spent).toEqual({ retry: false, message: loadFailureMessage(429) });
    expect(loadFailureMessage(429)).toMatch(/too many requests/);
    expect(nextRecovery(MAX_LOAD_RETRIES, 503)).toEqual({ retry: false, message: loadFailureMessage(503) });
  });

  it('does not retry a track that is gone', () => {
    expect(nextRecovery(0, 404)).toEqual({ retry: false, message: loadFailureMessage(404) });
  });
});

describe('retrying', () => {
  const fail = (status: number, retryAfter: number | null = null) => Object.assign(new Error(`HTTP ${status}`), { status, retryAfter });

  it('waits as told, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await retrying(
      async () => {
        calls++;
        if (calls === 1) throw fail(429, 3);
        if (calls === 2) throw new TypeError('Failed to fetch');
        return 'grant';
      },
      { isCurrent: () => true, wait: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe('grant');
    expect(waits).toEqual([3000, 2000]);
  });

  it('gives up with the message for the user', async () => {
    const waits: number[] = [];
    await expect(retrying(async () => Promise.reject(fail(429)), { isCurrent: () => true, wait: async (ms) => void waits.push(ms) })).rejects.toThrow(
      loadFailureMessage(429),
    );
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stops when superseded', async () => {
    await expect(retrying(async () => Promise.reject(fail(503)), { isCurrent: () => false, wait: async () => {} })).rejects.toBeInstanceOf(Superseded);
  });
});
