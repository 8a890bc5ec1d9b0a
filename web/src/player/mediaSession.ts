import { useEffect, useRef, type RefObject } from 'react';
import type { Track } from '../api/types';
import { coverDataUrl } from '../ui/Cover';
import type { PlayerActions, PlayerStatus, PlayerTime } from './PlayerContext';

/** The Media Session: what the lock screen, notification and headset keys show and control. */
export function useMediaSession(
  current: Track | null,
  status: PlayerStatus,
  time: PlayerTime,
  actions: PlayerActions,
  audioRef: RefObject<HTMLAudioElement | null>,
): void {
  useEffect(() => {
    const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
    if (!ms) return;
    if (!current) {
      ms.metadata = null;
      return;
    }
    if (typeof MediaMetadata !== 'undefined') {
      // The real cover when there is one (the 600 px JPEG, then the smaller ones), else the placeholder.
      const art = current.artwork
        ? [
            { src: new URL(current.artwork.large, window.location.href).href, sizes: '600x600', type: 'image/jpeg' },
            { src: new URL(current.artwork.medium, window.location.href).href, sizes: '256x256', type: 'image/jpeg' },
          ]
        : [{ src: coverDataUrl(current.album?.id ?? current.id, current.album?.title ?? current.title), sizes: '512x512', type: 'image/svg+xml' }];
      ms.metadata = new MediaMetadata({ title: current.title, artist: current.artist_name, album: current.album?.title ?? '', artwork: art });
    }
  }, [current]);

  useEffect(() => {
    const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
    if (!ms) return;
    const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
      ['play', () => actions.play()],
      ['pause', () => actions.pause()],
      ['previoustrack', () => actions.previous()],
      ['nexttrack', () => actions.next()],
      ['seekto', (d) => d.seekTime !== undefined && actions.seek(d.seekTime)],
      ['seekbackward', (d) => actions.seek((audioRef.current?.currentTime ?? 0) - (d.seekOffset ?? 10))],
      ['seekforward', (d) => actions.seek((audioRef.current?.currentTime ?? 0) + (d.seekOffset ?? 10))],
    ];
    for (const [action, handler] of handlers) {
      try {
        ms.setActionHandler(action, handler);
      } catch {
        // action not supported by this browser
      }
    }
    return () => {
      for (const [action] of handlers) {
        try {
          ms.setActionHandler(action, null);
        } catch {
          // ignore
        }
      }
    };
  }, [actions]);

  useEffect(() => {
    const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
    if (!ms) return;
    ms.playbackState = status === 'playing' || status === 'loading' ? 'playing' : current ? 'paused' : 'none';
  }, [status, current]);

  const lastPositionState = useRef(0);
  useEffect(() => {
    const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
    if (!ms || typeof ms.setPositionState !== 'function' || !current) return;
    const now = Date.now();
    if (now - lastPositionState.current < 1000) return;
    lastPositionState.current = now;
    try {
      if (time.duration > 0) ms.setPositionState({ duration: time.duration, position: Math.min(time.position, time.duration), playbackRate: 1 });
    } catch {
      // invalid state while loading
    }
  }, [time, current]);
}
