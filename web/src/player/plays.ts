import type { PlayEvent } from '../api/types';

/** Seconds of position between two `progress` reports. */
export const PROGRESS_EVERY = 15;
/** The server counts a play once it passes this many seconds (or completes). */
export const COUNT_AT = 30;

export type SendPlay = (event: PlayEvent, position: number, playId: string | null) => Promise<{ id: string } | null>;

export interface PlayReporter {
  /** Playback actually started (first `playing` event). */
  started(position: number): void;
  /** Called on every timeupdate. */
  time(position: number): void;
  /** The track played to its end. */
  ended(position: number): void;
  /** Playback of this track stops short (paused, skipped, another track chosen): report the
   * position reached since the last report, so a short listen is not recorded as 0 s. */
  stopped(): void;
}

/**
 * Reports one listen: POST start when playback starts, progress every ~15 s of position and at
 * 30 s (the counting mark), complete on ended, and the position reached when playback stops
 * short (a pause or a skip). Later events wait for the start's play id, and
 * errors are swallowed (reporting must never break playback).
 */
export function createPlayReporter(send: SendPlay): PlayReporter {
  let start: Promise<string | null> | null = null;
  let lastReported = 0;
  let latest = 0;
  let reachedCount = false;
  let completed = false;

  const withId = (event: PlayEvent, position: number) => {
    if (!start) return;
    void start.then((id) => (id ? send(event, position, id).catch(() => null) : null));
  };

  return {
    started(position) {
      if (start) return;
      lastReported = position;
      start = send('start', position, null)
        .then((r) => r?.id ?? null)
        .catch(() => null);
    },
    time(position) {
      if (!start || completed) return;
      latest = position;
      if (position < lastReported) {
        lastReported = position; // seeked back
        return;
      }
      const crossesCount = !reachedCount && position >= COUNT_AT;
      if (crossesCount || position - lastReported >= PROGRESS_EVERY) {
        if (position >= COUNT_AT) reachedCount = true;
        lastReported = position;
        withId('progress', position);
      }
    },
    ended(position) {
      if (!start || completed) return;
      completed = true;
      withId('complete', position);
    },
    stopped() {
      if (!start || completed || latest <= lastReported) return;
      lastReported = latest;
      withId('progress', latest);
    },
  };
}
