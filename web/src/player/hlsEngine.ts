import type Hls from 'hls.js';
import type { ErrorData } from 'hls.js';
import { withToken } from './sources';

/** hls.js errors that mean "this browser cannot decode/append this media", not a network problem. */
export function isCodecError(data: ErrorData): boolean {
  return /codec|bufferAppend|bufferAdd|incompatible|manifestParsingError/i.test(String(data.details)) || data.type === 'mediaError';
}

export interface HlsHandlers {
  /** The newest stream token: every playlist and segment request carries it in its path. */
  token: () => string | null;
  /** The manifest is parsed: playback can start. */
  onReady: () => void;
  /** A fatal network error (HTTP `status`, its Retry-After): schedule `retry`, or give up by
   * returning the message for the user. */
  onNetworkError: (details: string, status: number | undefined, retry: () => void, retryAfter: string | null) => string | null;
  /** This browser cannot play the stream: try another engine. */
  onCodecError: (reason: string) => void;
  /** Anything else fatal. */
  onFatal: (message: string) => void;
  /** False once this attachment is stale (another track or engine took over). */
  isCurrent: () => boolean;
}

/**
 * Play an HLS master playlist through hls.js (its light build: audio-only HLS needs none of
 * alt-audio, subtitles, EME or CMCD). A media error is recovered once before it counts.
 */
export async function attachHlsJs(audio: HTMLAudioElement, url: string, startAt: number, on: HlsHandlers): Promise<Hls | null> {
  const { default: HlsCtor } = await import('hls.js/light');
  if (!on.isCurrent()) return null;
  const hls = new HlsCtor({
    startPosition: startAt > 0 ? startAt : -1,
    maxBufferLength: 60,
    xhrSetup: (xhr, requestUrl) => {
      const token = on.token();
      const fresh = token ? withToken(requestUrl, token) : requestUrl;
      if (fresh !== requestUrl) xhr.open('GET', fresh, true);
    },
  });
  let mediaRecovered = false;
  hls.on(HlsCtor.Events.ERROR, (_evt, data) => {
    if (!data.fatal || !on.isCurrent()) return;
    if (data.type === HlsCtor.ErrorTypes.NETWORK_ERROR) {
      const status = (data.response as { code?: number } | undefined)?.code;
      const xhr = data.networkDetails as { getResponseHeader?: (name: string) => string | null } | undefined;
      const retryAfter = typeof xhr?.getResponseHeader === 'function' ? xhr.getResponseHeader('retry-after') : null;
      // Before the manifest is in, the source itself must load again; after, loading resumes.
      const retry = () => (hls.levels?.length ? hls.startLoad() : hls.loadSource(url));
      const giveUp = on.onNetworkError(String(data.details), status, retry, retryAfter);
      if (giveUp !== null) on.onFatal(giveUp);
      return;
    }
    if (data.type === HlsCtor.ErrorTypes.MEDIA_ERROR && !mediaRecovered && !/codec|incompatible/i.test(data.details)) {
      mediaRecovered = true;
      hls.recoverMediaError();
      return;
    }
    if (isCodecError(data)) on.onCodecError(`hls.js ${data.type}/${data.details}`);
    else on.onFatal(`Playback failed (${data.details}).`);
  });
  hls.on(HlsCtor.Events.MANIFEST_PARSED, () => on.onReady());
  hls.attachMedia(audio);
  hls.loadSource(url);
  return hls;
}
