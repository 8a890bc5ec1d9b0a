/**
 * How the player recovers from a failed load (a 429, a network error, a 5xx): retry with
 * exponential backoff, honouring Retry-After when the server sends one, then give up with a
 * message the user sees (and a Retry action), never a spinner forever. Pure: PlayerContext
 * runs the timers.
 */

/** Retries before the player gives up on a track and tells the user. */
export const MAX_LOAD_RETRIES = 4;
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;

/** Retry-After (delta seconds or an HTTP date) in milliseconds, or null when absent/unreadable. */
export function parseRetryAfter(value: string | number | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before retry number `attempt` (0 for the first): 1 s, 2 s, 4 s ... capped; Retry-After wins. */
export function retryDelayMs(attempt: number, retryAfter?: string | number | null, now?: number): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== null) return Math.min(MAX_DELAY_MS, Math.max(asked, BASE_DELAY_MS / 4));
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
}

/** What the user reads once the retries are spent. */
export function loadFailureMessage(status: number | undefined): string {
  if (status === 429) return 'The server is busy (too many requests), so this track could not load.';
  if (status === 401 || status === 403) return 'This stream link is no longer valid, so this track could not load.';
  if (status === 404) return 'This track could not be found on the server.';
  return 'This track could not load (network or server error).';
}

export type Recovery = { retry: true; delayMs: number } | { retry: false; message: string };

/**
 * After failed attempt number `attempt` (0 for the first failure) with HTTP `status` (undefined
 * when there was no answer) and the answer's Retry-After: wait and retry, or give up.
 */
export function nextRecovery(attempt: number, status: number | undefined, retryAfter?: string | number | null, now?: number): Recovery {
  if (attempt >= MAX_LOAD_RETRIES || status === 404) return { retry: false, message: loadFailureMessage(status) };
  return { retry: true, delayMs: retryDelayMs(attempt, retryAfter, now) };
}

export interface RetryOptions {
  /** False once the load is stale (another track took over): stop retrying. */
  isCurrent: () => boolean;
  wait?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
}

/** The load was superseded while it waited to retry. */
export class Superseded extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `load` until it succeeds, waiting between failures as `nextRecovery` says (an error's
 * `status` and `retryAfter`, in seconds, are read when present, as ApiError carries them);
 * rejects with an Error holding the message for the user once the retries are spent.
 */
export async function retrying<T>(load: () => Promise<T>, { isCurrent, wait = sleep, onRetry }: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (err) {
      const { status, retryAfter } = (err ?? {}) as { status?: number; retryAfter?: number | null };
      const step = nextRecovery(attempt, typeof status === 'number' ? status : undefined, retryAfter);
      if (!step.retry) throw new Error(step.message);
      onRetry?.(attempt, step.delayMs, err);
      await wait(step.delayMs);
      if (!isCurrent()) throw new Superseded();
    }
  }
}
