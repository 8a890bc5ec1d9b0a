import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type Hls from 'hls.js';
import { unwrap } from '../api/problem';
import { invalidateTagged } from '../api/trackCache';
import type { PlayEvent, StreamGrant, Track } from '../api/types';
import { useApi } from '../auth/AuthContext';
import { attachHlsJs } from './hlsEngine';
import { nextRecovery, retrying } from './recovery';
import { loadVolume, saveVolume } from './volume';
import { useMediaSession } from './mediaSession';
import { createPlayReporter, type PlayReporter } from './plays';
import { currentEntry, emptyQueue, playable, previousAction, queueReducer, type QueueState, type RepeatMode } from './queue';
import {
  detectCapabilities,
  engineCandidates,
  engineLabel,
  progressiveUrl,
  renewDelayMs,
  type TrackMedia,
  withToken,
  type Capabilities,
  type Engine,
} from './sources';

export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'error';

export interface PlayerState {
  queue: QueueState;
  current: Track | null;
  status: PlayerStatus;
  engine: Engine | null;
  error: string | null;
  volume: number;
  muted: boolean;
}

export interface PlayerTime {
  position: number;
  duration: number;
}

export interface PlayerActions {
  /** Replace the queue with the playable ones of `tracks` and start at `startId` (or the first). */
  playTracks: (tracks: Track[], startId?: string) => void;
  /** Shuffle on, and play `tracks` from a random one in a random order. */
  shufflePlay: (tracks: Track[]) => void;
  /** Shuffle the tracks after the current one (on), or put them back in order (off). */
  setShuffle: (on: boolean) => void;
  enqueue: (tracks: Track[]) => void;
  playNext: (tracks: Track[]) => void;
  play: () => void;
  pause: () => void;
  toggle: () => void;
  next: () => void;
  /** Load the current track again (after an error). */
  retry: () => void;
  previous: () => void;
  seek: (seconds: number) => void;
  setVolume: (v: number) => void;
  toggleMute: () => void;
  jump: (index: number) => void;
  remove: (index: number) => void;
  move: (from: number, to: number) => void;
  clear: () => void;
  setRepeat: (mode: RepeatMode) => void;
  patchTrack: (id: string, patch: Partial<Track>) => void;
}

const StateContext = createContext<PlayerState | null>(null);
const TimeContext = createContext<PlayerTime>({ position: 0, duration: 0 });
const ActionsContext = createContext<PlayerActions | null>(null);

export function usePlayer(): PlayerState {
  const v = useContext(StateContext);
  if (!v) throw new Error('PlayerProvider is missing');
  return v;
}
export function usePlayerTime(): PlayerTime {
  return useContext(TimeContext);
}
export function usePlayerActions(): PlayerActions {
  const v = useContext(ActionsContext);
  if (!v) throw new Error('PlayerProvider is missing');
  return v;
}
/** For lists: which track is current and whether it is playing (null outside a provider). */
export function useNowPlaying(): { trackId: string | null; playing: boolean } {
  const v = useContext(StateContext);
  return { trackId: v?.current?.id ?? null, playing: v?.status === 'playing' || v?.status === 'loading' };
}

/** What engine selection needs to know of a track (whether HLS is there: per its newest grant). */
function mediaOf(grant: Grant | null, track: Track | null): TrackMedia | undefined {
  if (!grant || !track) return undefined;
  return { hls: grant.hlsUrl !== null, codec: track.codec, container: track.container };
}

interface Grant {
  trackId: string;
  /** Null until the track's HLS renditions exist: it plays progressively meanwhile. */
  hlsUrl: string | null;
  token: string;
  expiresAt: string;
}

function log(msg: string) {
  console.info(`[player] ${msg}`);
}

export function PlayerProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [queue, dispatch] = useReducer(queueReducer, emptyQueue);
  const [status, setStatus] = useState<PlayerStatus>('idle');
  const [engine, setEngine] = useState<Engine | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [time, setTime] = useState<PlayerTime>({ position: 0, duration: 0 });
  const [{ volume, muted }, setVolumeState] = useState(loadVolume);

  const audioRef = useRef<HTMLAudioElement | null>(null);
  const queueRef = useRef(queue);
  queueRef.current = queue;
  const wantPlay = useRef(false);
  const hlsRef = useRef<Hls | null>(null);
  const grantRef = useRef<Grant | null>(null);
  const engineRef = useRef<Engine | null>(null);
  const reporterRef = useRef<PlayReporter | null>(null);
  const loadSeq = useRef(0);
  const renewTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const capsRef = useRef<Capabilities | null>(null);
  /** Engines that failed for codec reasons: a property of this browser, so remembered for the session. */
  const failedEngines = useRef(new Set<string>());
  const retries = useRef(0);

  const entry = currentEntry(queue);
  const current = entry?.track ?? null;
  const currentRef = useRef<Track | null>(current);
  currentRef.current = current;

  // ---- stream grants -------------------------------------------------------------------------
  const requestGrant = useCallback(
    async (trackId: string): Promise<Grant> => {
      const g: StreamGrant = unwrap(await api.POST('/api/v1/tracks/{track_id}/stream', { params: { path: { track_id: trackId } } }));
      return { trackId, hlsUrl: g.hls_url ?? null, token: g.token, expiresAt: g.expires_at };
    },
    [api],
  );

  const clearRenewTimer = () => {
    if (renewTimer.current !== null) clearTimeout(renewTimer.current);
    renewTimer.current = null;
  };

  // ---- engines -------------------------------------------------------------------------------
  const detach = useCallback(() => {
    hlsRef.current?.destroy();
    hlsRef.current = null;
    const audio = audioRef.current;
    if (audio && audio.getAttribute('src') !== null) {
      audio.removeAttribute('src');
      try {
        audio.load();
      } catch {
        // jsdom
      }
    }
  }, []);

  const startPlayback = useCallback((seq: number) => {
    const audio = audioRef.current;
    if (!audio || seq !== loadSeq.current || !wantPlay.current) return;
    const p = audio.play();
    if (p && typeof p.catch === 'function') {
      p.catch((err: unknown) => {
        if (seq !== loadSeq.current) return;
        const name = err instanceof DOMException ? err.name : '';
        if (name === 'NotAllowedError') {
          wantPlay.current = false;
          setStatus('paused');
        } else if (name === 'NotSupportedError') {
          fallbackRef.current(seq, 'play() rejected: NotSupportedError');
        }
      });
    }
  }, []);

  const attach = useCallback(
    async (seq: number, eng: Engine, startAt: number) => {
      const audio = audioRef.current;
      const grant = grantRef.current;
      if (!audio || !grant || seq !== loadSeq.current) return;
      detach();
      engineRef.current = eng;
      setEngine(eng);
      log(`playing "${currentRef.current?.title ?? grant.trackId}" via ${engineLabel(eng)}`);
      audio.dataset.engine = engineLabel(eng);
      if (eng.kind !== 'progressive' && grant.hlsUrl === null) {
        fallbackRef.current(seq, 'no HLS renditions for this track yet', false);
        return;
      }
      if (eng.kind === 'hls.js') {
        const hls = await attachHlsJs(audio, withToken(grant.hlsUrl!, grant.token), startAt, {
          token: () => grantRef.current?.token ?? null,
          isCurrent: () => seq === loadSeq.current,
          onReady: () => startPlayback(seq),
          onNetworkError: (details, code, retry, retryAfter) => {
            const step = nextRecovery(retries.current++, code, retryAfter);
            if (!step.retry) return step.message;
            log(`hls.js network error (${details}, HTTP ${code ?? '?'}); retrying in ${step.delayMs} ms with a renewed grant`);
            setTimeout(() => seq === loadSeq.current && void renewRef.current(true).then(retry), step.delayMs);
            return null;
          },
          onCodecError: (reason) => fallbackRef.current(seq, reason, true),
          onFatal: (message) => {
            setError(message);
            setStatus('error');
          },
        });
        if (hls) hlsRef.current = hls; // null: superseded while hls.js was loading
        return;
      }
      audio.src = eng.kind === 'native-hls' ? withToken(grant.hlsUrl!, grant.token) : progressiveUrl(grant.trackId, eng.format, grant.token);
      if (startAt > 0) {
        audio.addEventListener(
          'loadedmetadata',
          () => {
            if (seq === loadSeq.current) audio.currentTime = startAt;
          },
          { once: true },
        );
      }
      startPlayback(seq);
    },
    [detach, startPlayback],
  );

  /** The current engine cannot play here: try the next candidate at the same position. */
  const fallback = useCallback(
    (seq: number, reason: string, codec = true) => {
      const audio = audioRef.current;
      const failed = engineRef.current;
      if (!audio || !failed || seq !== loadSeq.current || !capsRef.current) return;
      if (codec) failedEngines.current.add(engineLabel(failed));
      const tried = new Set([...failedEngines.current, engineLabel(failed)]);
      const nextEngine = engineCandidates(capsRef.current, tried, mediaOf(grantRef.current, currentRef.current)).find((e) => !tried.has(engineLabel(e)));
      if (!nextEngine) {
        log(`${engineLabel(failed)} failed (${reason}); nothing else to try`);
        setError('This browser cannot play this track.');
        setStatus('error');
        return;
      }
      log(`${engineLabel(failed)} failed (${reason}); falling back to ${engineLabel(nextEngine)}`);
      void attach(seq, nextEngine, audio.currentTime || 0);
    },
    [attach],
  );
  const fallbackRef = useRef(fallback);
  fallbackRef.current = fallback;

  /** Fetch a new grant for the current track; reattach non-hls.js engines when asked (or when paused). */
  const renew = useCallback(
    async (forceReattach = false) => {
      const track = currentRef.current;
      const seq = loadSeq.current;
      if (!track) return;
      try {
        const g = await requestGrant(track.id);
        if (seq !== loadSeq.current) return;
        grantRef.current = g;
        scheduleRenewRef.current(g.expiresAt);
        const audio = audioRef.current;
        const eng = engineRef.current;
        if (audio && eng && eng.kind !== 'hls.js' && (forceReattach || audio.paused)) {
          const resume = wantPlay.current && !audio.paused;
          const at = audio.currentTime || 0;
          await attach(seq, eng, at);
          if (!resume && !forceReattach) audio.pause();
        }
      } catch {
        // Try again on the next play/error.
      }
    },
    [attach, requestGrant],
  );
  const renewRef = useRef(renew);
  renewRef.current = renew;
  const scheduleRenew = useCallback((expiresAt: string) => {
    clearRenewTimer();
    renewTimer.current = setTimeout(() => void renewRef.current(false), renewDelayMs(expiresAt));
  }, []);
  const scheduleRenewRef = useRef(scheduleRenew);
  scheduleRenewRef.current = scheduleRenew;

  // ---- load the current entry ----------------------------------------------------------------
  const sendPlay = useCallback(
    (trackId: string) => async (event: PlayEvent, position: number, playId: string | null) => {
      const res = unwrap(
        await api.POST('/api/v1/plays', {
          body: { track_id: trackId, event, position: Math.max(0, Math.round(position * 1000) / 1000), play_id: playId, client: 'web' },
        }),
      );
      // A new or counted play changes the play history (whoever shows it tags its query `plays`).
      if (event !== 'progress' || res.counted) void invalidateTagged(queryClient, 'plays');
      return res;
    },
    [api, queryClient],
  );

  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    const track = currentRef.current;
    const seq = ++loadSeq.current;
    clearRenewTimer();
    retries.current = 0;
    if (!track) {
      detach();
      grantRef.current = null;
      engineRef.current = null;
      reporterRef.current?.stopped();
      reporterRef.current = null;
      setEngine(null);
      setStatus('idle');
      setError(null);
      setTime({ position: 0, duration: 0 });
      return;
    }
    reporterRef.current?.stopped(); // the track left behind: its last position
    reporterRef.current = createPlayReporter(sendPlay(track.id));
    setError(null);
    setTime({ position: 0, duration: track.duration });
    setStatus(wantPlay.current ? 'loading' : 'paused');
    capsRef.current ??= detectCapabilities(audio, () => {
      const mse = window.MediaSource;
      return !!mse;
    });
    void (async () => {
      try {
        const isCurrent = () => seq === loadSeq.current;
        const onRetry = (n: number, ms: number) => log(`stream grant failed (attempt ${n + 1}); retrying in ${ms} ms`);
        const grant = await retrying(() => requestGrant(track.id), { isCurrent, onRetry });
        if (!isCurrent()) return;
        grantRef.current = grant;
        scheduleRenew(grant.expiresAt);
        const first = engineCandidates(capsRef.current!, failedEngines.current, mediaOf(grant, track))[0]!;
        await attach(seq, first, 0);
      } catch (err) {
        if (seq !== loadSeq.current) return;
        setError(err instanceof Error ? err.message : 'Could not start playback.');
        setStatus('error');
      }
    })();
    return () => {
      // Superseded (or unmounted): stop this load's async work.
      loadSeq.current++;
    };
    // Reload when the current entry changes, or when it must restart (generation).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entry?.key, queue.generation]);

  useEffect(
    () => () => {
      clearRenewTimer();
      hlsRef.current?.destroy();
      hlsRef.current = null;
    },
    [],
  );

  // The queue ran out (next past the end with repeat off): stop.
  useEffect(() => {
    if (queue.ended) {
      wantPlay.current = false;
      audioRef.current?.pause();
      setStatus('paused');
    }
  }, [queue.ended]);

  // ---- audio element events ------------------------------------------------------------------
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    const duration = () => {
      const d = audio.duration;
      return Number.isFinite(d) && d > 0 ? d : (currentRef.current?.duration ?? 0);
    };
    const onTime = () => {
      setTime({ position: audio.currentTime, duration: duration() });
      if (!audio.paused) reporterRef.current?.time(audio.currentTime);
    };
    const onPlaying = () => {
      retries.current = 0;
      setStatus('playing');
      setError(null);
      reporterRef.current?.started(audio.currentTime);
    };
    const onPause = () => {
      if (!audio.ended) reporterRef.current?.stopped();
      if (!audio.ended) setStatus((s) => (s === 'error' ? s : 'paused'));
    };
    const onWaiting = () => {
      if (wantPlay.current) setStatus('loading');
    };
    const onEnded = () => {
      reporterRef.current?.ended(duration());
      dispatch({ type: 'next', auto: true });
    };
    const onError = () => {
      const eng = engineRef.current;
      const err = audio.error;
      if (!eng || !err || eng.kind === 'hls.js') return; // hls.js reports its own errors
      const seq = loadSeq.current;
      const expired = grantRef.current ? Date.parse(grantRef.current.expiresAt) - Date.now() < 30_000 : false;
      if ((err.code === MediaError.MEDIA_ERR_NETWORK || expired) && retries.current++ < 2) {
        log(`media error ${err.code} on ${engineLabel(eng)}; renewing the grant and retrying`);
        void renewRef.current(true);
        return;
      }
      if (err.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED || err.code === MediaError.MEDIA_ERR_DECODE) {
        fallbackRef.current(seq, `media error ${err.code}${err.message ? `: ${err.message}` : ''}`);
        return;
      }
      setError('Playback failed.');
      setStatus('error');
    };
    const onDuration = () => setTime({ position: audio.currentTime, duration: duration() });
    audio.addEventListener('timeupdate', onTime);
    audio.addEventListener('seeked', onTime);
    audio.addEventListener('durationchange', onDuration);
    audio.addEventListener('playing', onPlaying);
    audio.addEventListener('pause', onPause);
    audio.addEventListener('waiting', onWaiting);
    audio.addEventListener('ended', onEnded);
    audio.addEventListener('error', onError);
    return () => {
      audio.removeEventListener('timeupdate', onTime);
      audio.removeEventListener('seeked', onTime);
      audio.removeEventListener('durationchange', onDuration);
      audio.removeEventListener('playing', onPlaying);
      audio.removeEventListener('pause', onPause);
      audio.removeEventListener('waiting', onWaiting);
      audio.removeEventListener('ended', onEnded);
      audio.removeEventListener('error', onError);
    };
  }, []);

  // ---- volume (persisted) --------------------------------------------------------------------
  useEffect(() => {
    const audio = audioRef.current;
    if (audio) {
      audio.volume = volume;
      audio.muted = muted;
    }
    saveVolume(volume, muted);
  }, [volume, muted]);

  // ---- actions -------------------------------------------------------------------------------
  const actions = useMemo<PlayerActions>(() => {
    const play = () => {
      const audio = audioRef.current;
      if (!audio || !currentRef.current) return;
      wantPlay.current = true;
      if (queueRef.current.ended) {
        dispatch({ type: 'jump', index: queueRef.current.index }); // replay the last track from the top
        return;
      }
      const grant = grantRef.current;
      if (grant && engineRef.current && engineRef.current.kind !== 'hls.js' && Date.parse(grant.expiresAt) - Date.now() < 60_000) {
        void renewRef.current(true);
        return;
      }
      if (!engineRef.current) {
        setStatus('loading');
        return; // the pending load starts playing when ready
      }
      setStatus((s) => (s === 'playing' ? s : 'loading'));
      startPlayback(loadSeq.current);
    };
    const pause = () => {
      wantPlay.current = false;
      audioRef.current?.pause();
      setStatus((s) => (s === 'idle' ? s : 'paused'));
    };
    return {
      playTracks(tracks, startId) {
        const list = playable(tracks);
        const start = startId ? list.findIndex((t) => t.id === startId) : undefined;
        if (list.length === 0 || start === -1) return;
        wantPlay.current = true;
        dispatch({ type: 'load', tracks: list, start });
      },
      shufflePlay(tracks) {
        const list = playable(tracks);
        if (list.length === 0) return;
        wantPlay.current = true;
        dispatch({ type: 'load', tracks: list, shuffle: true });
      },
      setShuffle(on) {
        dispatch({ type: 'shuffle', on });
      },
      enqueue(tracks) {
        dispatch({ type: 'enqueue', tracks: playable(tracks) });
      },
      playNext(tracks) {
        dispatch({ type: 'playNext', tracks: playable(tracks) });
      },
      play,
      pause,
      toggle() {
        const audio = audioRef.current;
        if (!audio) return;
        if (wantPlay.current && !queueRef.current.ended) pause();
        else play();
      },
      next() {
        dispatch({ type: 'next' });
      },
      retry() {
        wantPlay.current = true;
        dispatch({ type: 'jump', index: queueRef.current.index }); // a new generation: load again
      },
      previous() {
        const audio = audioRef.current;
        if (!audio) return;
        if (previousAction(queueRef.current, audio.currentTime) === 'restart') {
          audio.currentTime = 0;
          setTime((t) => ({ ...t, position: 0 }));
        } else dispatch({ type: 'previous' });
      },
      seek(seconds) {
        const audio = audioRef.current;
        if (!audio || !currentRef.current) return;
        const max = Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : currentRef.current.duration;
        const t = Math.max(0, Math.min(max, seconds));
        audio.currentTime = t;
        setTime((prev) => ({ ...prev, position: t }));
      },
      setVolume(v) {
        setVolumeState({ volume: Math.max(0, Math.min(1, v)), muted: false });
      },
      toggleMute() {
        setVolumeState((s) => ({ ...s, muted: !s.muted }));
      },
      jump(index) {
        wantPlay.current = true;
        dispatch({ type: 'jump', index });
      },
      remove(index) {
        dispatch({ type: 'remove', index });
      },
      move(from, to) {
        dispatch({ type: 'move', from, to });
      },
      clear() {
        wantPlay.current = false;
        dispatch({ type: 'clear' });
      },
      setRepeat(mode) {
        dispatch({ type: 'repeat', mode });
      },
      patchTrack(id, patch) {
        dispatch({ type: 'patchTrack', id, patch });
      },
    };
  }, [startPlayback]);

  useMediaSession(current, status, time, actions, audioRef);

  const state = useMemo<PlayerState>(
    () => ({ queue, current, status, engine, error, volume, muted }),
    [queue, current, status, engine, error, volume, muted],
  );

  return (
    <ActionsContext.Provider value={actions}>
      <StateContext.Provider value={state}>
        <TimeContext.Provider value={time}>
          {children}
          {/* The one audio element: lives above the routes so playback survives navigation. */}
          <audio ref={audioRef} preload="auto" data-testid="audio" className="hidden" />
        </TimeContext.Provider>
      </StateContext.Provider>
    </ActionsContext.Provider>
  );
}

/** Player actions, or null outside a PlayerProvider (components usable in isolation/tests). */
export function usePlayerActionsOptional(): PlayerActions | null {
  return useContext(ActionsContext);
}
