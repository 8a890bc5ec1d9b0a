import { describe, expect, it, vi } from 'vitest';
import { createTokenManager, refreshDelaySeconds } from './tokenManager';
import { tokenPair } from '../test/utils';
import type { TokenPair } from '../api/types';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createTokenManager', () => {
  it('shares one refresh request between concurrent callers', async () => {
    const d = deferred<TokenPair | null>();
    const refreshRequest = vi.fn(() => d.promise);
    const tm = createTokenManager({ refreshRequest, setTimer: () => 0, clearTimer: () => {} });

    const a = tm.refresh();
    const b = tm.refresh();
    const c = tm.start();
    expect(refreshRequest).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);

    d.resolve(tokenPair('fresh'));
    await expect(a).resolves.toMatchObject({ access_token: 'fresh' });
    await expect(c).resolves.toMatchObject({ access_token: 'fresh' });
    expect(tm.getAccessToken()).toBe('fresh');
    expect(tm.getSnapshot().status).toBe('authenticated');

    // Once settled, a later refresh makes a new request.
    refreshRequest.mockResolvedValueOnce(tokenPair('fresher'));
    await tm.refresh();
    expect(refreshRequest).toHaveBeenCalledTimes(2);
    expect(tm.getAccessToken()).toBe('fresher');
  });

  it('clears the session when the server has none (refresh resolves null)', async () => {
    const tm = createTokenManager({ refreshRequest: async () => null, setTimer: () => 0, clearTimer: () => {} });
    tm.setSession(tokenPair('old'));
    const listener = vi.fn();
    tm.subscribe(listener);
    await expect(tm.refresh()).resolves.toBeNull();
    expect(tm.getSnapshot()).toEqual({ status: 'anonymous', accessToken: null, user: null });
    expect(listener).toHaveBeenCalled();
  });

  it('start() on a failing network ends loading as anonymous and does not throw', async () => {
    const tm = createTokenManager({ refreshRequest: async () => Promise.reject(new TypeError('offline')), setTimer: () => 0, clearTimer: () => {} });
    await expect(tm.start()).resolves.toBeNull();
    expect(tm.getSnapshot().status).toBe('anonymous');
  });

  it('a sign-in that happens while a refresh is in flight wins', async () => {
    const d = deferred<TokenPair | null>();
    const tm = createTokenManager({ refreshRequest: () => d.promise, setTimer: () => 0, clearTimer: () => {} });
    const p = tm.start();
    tm.setSession(tokenPair('from-login'));
    d.resolve(null);
    await p;
    expect(tm.getAccessToken()).toBe('from-login');
  });

  it('schedules a silent refresh before the access token expires', async () => {
    vi.useFakeTimers();
    try {
      const refreshRequest = vi.fn(async () => tokenPair('renewed', undefined, 900));
      const tm = createTokenManager({ refreshRequest });
      tm.setSession(tokenPair('first', undefined, 900));
      await vi.advanceTimersByTimeAsync(839_000);
      expect(refreshRequest).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(refreshRequest).toHaveBeenCalledTimes(1);
      expect(tm.getAccessToken()).toBe('renewed');
      tm.clear();
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(refreshRequest).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refreshDelaySeconds leaves a margin before expiry', () => {
    expect(refreshDelaySeconds(900)).toBe(840);
    expect(refreshDelaySeconds(60)).toBe(45);
    expect(refreshDelaySeconds(2)).toBe(5);
  });
});
