/** Which way to play a track in this browser, and the URLs involved. */

export type ProgressiveFormat = 'aac' | 'mp3' | 'opus';

export type Engine = { kind: 'hls.js' } | { kind: 'native-hls' } | { kind: 'progressive'; format: ProgressiveFormat };

export function engineLabel(e: Engine | null): string {
  if (!e) return 'none';
  return e.kind === 'progressive' ? `progressive-${e.format}` : e.kind;
}

export const AAC_MSE_TYPE = 'audio/mp4; codecs="mp4a.40.2"';
export const HLS_MIME = 'application/vnd.apple.mpegurl';

const PROGRESSIVE_MIME: Record<ProgressiveFormat, string> = {
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
 * `failed` lists engines that already failed for codec reasons for this browser.
 */
export function engineCandidates(caps: Capabilities, failed: ReadonlySet<string> = new Set()): Engine[] {
  const all: Engine[] = [];
  if (caps.hlsJs) all.push({ kind: 'hls.js' });
  if (caps.nativeHls) all.push({ kind: 'native-hls' });
  for (const format of ['aac', 'opus', 'mp3'] as const) {
    if (caps.canPlay(PROGRESSIVE_MIME[format])) all.push({ kind: 'progressive', format });
  }
  const out = all.filter((e) => !failed.has(engineLabel(e)));
  // A browser that takes nothing we know of still gets Opus: better a clear media error than silence.
  return out.length > 0 ? out : [{ kind: 'progressive', format: 'opus' }];
}

/** "/api/v1/stream/<token>/master.m3u8" → "<token>". */
export function streamToken(hlsUrl: string): string {
  const m = hlsUrl.match(/\/stream\/([^/]+)\//);
  if (!m) throw new Error(`Unexpected stream URL ${hlsUrl}`);
  return m[1]!;
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
