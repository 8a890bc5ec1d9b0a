/** Which way to play a track in this browser, and the URLs involved. */

export type ProgressiveFormat = 'aac' | 'mp3' | 'opus' | 'original';

export type Engine = { kind: 'hls.js' } | { kind: 'native-hls' } | { kind: 'progressive'; format: ProgressiveFormat; mime?: string };

export function engineLabel(e: Engine | null): string {
  if (!e) return 'none';
  if (e.kind !== 'progressive') return e.kind;
  // The original's label names its type: failing on FLAC says nothing about MP3 originals.
  return e.format === 'original' ? `progressive-original(${e.mime ?? '?'})` : `progressive-${e.format}`;
}

/** What the player knows of a track's media: whether HLS is there, and the original's codec. */
export interface TrackMedia {
  hls: boolean;
  codec: string;
  container: string;
}

/** The MIME type of a track's original file as browsers' canPlayType() knows it. */
export function originalMime(m: Pick<TrackMedia, 'codec' | 'container'>): string | null {
  switch (m.container) {
    case 'mp3':
      return 'audio/mpeg';
    case 'flac':
      return 'audio/flac';
    case 'ogg':
      return m.codec === 'opus' ? 'audio/ogg; codecs="opus"' : 'audio/ogg; codecs="vorbis"';
    case 'mp4':
      return m.codec === 'alac' ? 'audio/mp4; codecs="alac"' : 'audio/mp4; codecs="mp4a.40.2"';
    case 'aac':
      return 'audio/aac';
    case 'wav':
      return 'audio/wav';
    case 'aiff':
      return 'audio/aiff';
    default:
      return null;
  }
}

export const AAC_MSE_TYPE = 'audio/mp4; codecs="mp4a.40.2"';
export const HLS_MIME = 'application/vnd.apple.mpegurl';

const PROGRESSIVE_MIME: Record<Exclude<ProgressiveFormat, 'original'>, string> = {
  aac: 'audio/aac',
  mp3: 'audio/mpeg',
  opus: 'audio/ogg; codecs="opus"',
};

export interface Capabilities {
  /** hls.js can run (MSE present) and MSE takes AAC-LC in MP4, which hls.js remuxes the TS segments to. */
  hlsJs: boolean;
  nativeHls: boolean;
  canPlay: (mime: string) => boolean;
}

export function detectCapabilities(audio: HTMLMediaElement, hlsSupported: () => boolean): Capabilities {
  const mse = typeof window !== 'undefined' ? (window.MediaSource ?? (window as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource) : undefined;
  const aacMse = !!mse && typeof mse.isTypeSupported === 'function' && mse.isTypeSupported(AAC_MSE_TYPE);
  const canPlay = (mime: string) => {
    try {
      return audio.canPlayType(mime) !== '';
    } catch {
      return false;
    }
  };
  return { hlsJs: aacMse && safe(hlsSupported), nativeHls: canPlay(HLS_MIME), canPlay };
}

function safe(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

/**
 * Every way to play, best first. hls.js (adaptive, seekable) when MSE takes AAC; else native HLS
 * (Safari/iOS); else progressive AAC; Opus in Ogg and MP3 are the codec fallbacks.
 * A track without HLS yet (still processing, or scanned without processing) plays its original
 * file when this browser can (byte ranges: seekable), else a live transcode.
 * `failed` lists engines that already failed for codec reasons for this browser.
 */
export function engineCandidates(caps: Capabilities, failed: ReadonlySet<string> = new Set(), media?: TrackMedia): Engine[] {
  const all: Engine[] = [];
  if (!media || media.hls) {
    if (caps.hlsJs) all.push({ kind: 'hls.js' });
    if (caps.nativeHls) all.push({ kind: 'native-hls' });
  } else {
    const mime = originalMime(media);
    if (mime && caps.canPlay(mime)) all.push({ kind: 'progressive', format: 'original', mime });
  }
  for (const format of ['aac', 'opus', 'mp3'] as const) {
    if (caps.canPlay(PROGRESSIVE_MIME[format])) all.push({ kind: 'progressive', format });
  }
  const out = all.filter((e) => !failed.has(engineLabel(e)));
  // A browser that takes nothing we know of still gets Opus: better a clear media error than silence.
  return out.length > 0 ? out : [{ kind: 'progressive', format: 'opus' }];
}

/** Point an HLS URL (playlist or segment) at a newer token. */
export function withToken(url: string, token: string): string {
  return url.replace(/\/stream\/[^/]+\//, `/stream/${token}/`);
}

export function progressiveUrl(trackId: string, format: ProgressiveFormat, token: string): string {
  return `/api/v1/tracks/${encodeURIComponent(trackId)}/audio?format=${format}&token=${encodeURIComponent(token)}`;
}

/** When to fetch a new grant: 5 minutes before it expires (at least 10 s from now). */
export function renewDelayMs(expiresAt: string, now: number = Date.now()): number {
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) return 60 * 60 * 1000;
  const lead = Math.min(5 * 60 * 1000, Math.max(0, (t - now) / 4));
  return Math.max(10_000, t - now - lead);
}
