import { createParser } from 'eventsource-parser';
import type { TokenManager } from '../auth/tokenManager';
import { API_PREFIX } from './client';
import type { Job } from './types';

/** One event of the stream of all the user's jobs: the job's state, and what happened. */
export type JobEvent = Job & { type: string };

export interface FollowJobsOptions {
  /** Jobs to report even if they finished before the stream (re)opened. Read at each connect. */
  jobIds: () => string[];
  onEvent: (event: JobEvent) => void;
  /** `open` once the stream answers; `retrying` while waiting to reconnect. */
  onStatus?: (status: 'open' | 'retrying') => void;
  /** Origin of the API (default: this page's). */
  baseUrl?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Follow every job of the signed-in user over one Server-Sent Events stream
 * (`GET /api/v1/jobs/events`), sent with the bearer token (EventSource cannot send headers).
 * Reconnects after an error or a closed stream, with backoff doubling up to `maxDelayMs`,
 * never sooner than a 429's Retry-After; refreshes the access token once on a 401.
 * Returns a function that stops following.
 */
export function followJobs(tokens: TokenManager, opts: FollowJobsOptions): () => void {
  const ctrl = new AbortController();
  const min = opts.minDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 30_000;

  const connect = (token: string | null) => {
    const query = new URLSearchParams();
    for (const id of opts.jobIds().slice(0, 500)) query.append('job_id', id);
    const qs = query.toString();
    const url = new URL(`${API_PREFIX}/jobs/events${qs ? `?${qs}` : ''}`, opts.baseUrl ?? window.location.href);
    return fetch(url, {
      headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctrl.signal,
    });
  };

  const run = async () => {
    let delay = min;
    let serverRetry = 3000;
    while (!ctrl.signal.aborted) {
      let wait = delay;
      try {
        let res = await connect(tokens.getAccessToken());
        if (res.status === 401) {
          const pair = await tokens.refresh().catch(() => null);
          if (pair) res = await connect(pair.access_token);
        }
        if (res.status === 429) {
          const after = Number(res.headers.get('Retry-After'));
          if (Number.isFinite(after) && after > 0) wait = Math.max(delay, after * 1000);
        } else if (res.ok && res.body) {
          opts.onStatus?.('open');
          delay = min;
          const parser = createParser({
            onEvent: (message) => {
              try {
                const data = JSON.parse(message.data) as JobEvent;
                if (data && typeof data.id === 'string') opts.onEvent({ ...data, type: data.type ?? message.event ?? 'progress' });
              } catch {
                // not JSON: not one of ours
              }
            },
            onRetry: (ms) => {
              serverRetry = ms;
            },
          });
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
          wait = serverRetry; // the server closed the stream (a restart): reconnect soon
        }
      } catch {
        if (ctrl.signal.aborted) return;
      }
      if (ctrl.signal.aborted) return;
      opts.onStatus?.('retrying');
      await sleep(wait, ctrl.signal);
      delay = Math.min(delay * 2, max);
    }
  };
  void run();
  return () => ctrl.abort();
}
