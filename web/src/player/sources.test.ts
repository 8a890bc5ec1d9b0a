import { describe, expect, it } from 'vitest';
import { engineCandidates, engineLabel, originalMime, progressiveUrl, renewDelayMs, withToken, type Capabilities } from './sources';

const caps = (over: Partial<Capabilities> & { types?: string[] } = {}): Capabilities => ({
  hlsJs: true,
  nativeHls: false,
  canPlay: (t) => (over.types ?? ['audio/aac', 'audio/ogg; codecs="opus"', 'audio/mpeg']).includes(t),
  ...over,
});

describe('playback sources', () => {
  it('prefers hls.js, then native HLS, then progressive AAC, Opus, MP3', () => {
    expect(engineCandidates(caps({ nativeHls: true })).map(engineLabel)).toEqual(['hls.js', 'native-hls', 'progressive-aac', 'progressive-opus', 'progressive-mp3']);
    expect(engineCandidates(caps({ hlsJs: false, nativeHls: true })).map(engineLabel)[0]).toBe('native-hls');
    expect(engineCandidates(caps({ hlsJs: false })).map(engineLabel)[0]).toBe('progressive-aac');
  });

  it('a browser without AAC falls back to Opus', () => {
    const noAac = caps({ hlsJs: false, types: ['audio/ogg; codecs="opus"'] });
    expect(engineCandidates(noAac).map(engineLabel)).toEqual(['progressive-opus']);
    // engines that failed for codec reasons are skipped
    expect(engineCandidates(caps(), new Set(['hls.js', 'progressive-aac'])).map(engineLabel)[0]).toBe('progressive-opus');
    // nothing known: still try Opus rather than nothing
    expect(engineCandidates(caps({ hlsJs: false, types: [] })).map(engineLabel)).toEqual(['progressive-opus']);
  });

  it('plays a track without HLS from its original when the browser can, else a transcode', () => {
    const flac = { hls: false, codec: 'flac', container: 'flac' };
    expect(engineCandidates(caps({ types: ['audio/flac', 'audio/aac'] }), new Set(), flac).map(engineLabel)).toEqual([
      'progressive-original(audio/flac)',
      'progressive-aac',
    ]);
    // no FLAC here: straight to a transcode; HLS is never offered for it
    expect(engineCandidates(caps(), new Set(), flac).map(engineLabel)).toEqual(['progressive-aac', 'progressive-opus', 'progressive-mp3']);
    // a track with HLS is unaffected by its original's type
    expect(engineCandidates(caps({ types: ['audio/flac'] }), new Set(), { ...flac, hls: true }).map(engineLabel)[0]).toBe('hls.js');
    // one original failing (say, ALAC) does not rule out another type's original
    const failed = new Set(['progressive-original(audio/mp4; codecs="alac")']);
    const mp3 = { hls: false, codec: 'mp3', container: 'mp3' };
    expect(engineCandidates(caps(), failed, mp3).map(engineLabel)[0]).toBe('progressive-original(audio/mpeg)');
    expect(originalMime({ codec: 'opus', container: 'ogg' })).toBe('audio/ogg; codecs="opus"');
    expect(originalMime({ codec: 'alac', container: 'mp4' })).toBe('audio/mp4; codecs="alac"');
    expect(originalMime({ codec: '', container: 'weird' })).toBeNull();
  });

  it('swaps the token in stream URLs', () => {
    expect(withToken('http://x/api/v1/stream/old/a128/seg_00001.ts', 'new')).toBe('http://x/api/v1/stream/new/a128/seg_00001.ts');
    expect(progressiveUrl('t-1', 'opus', 'a b')).toBe('/api/v1/tracks/t-1/audio?format=opus&token=a%20b');
  });

  it('renews the grant 5 minutes before it expires (not sooner than 10 s)', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(renewDelayMs('2026-01-01T06:00:00Z', now)).toBe(6 * 3600_000 - 5 * 60_000);
    expect(renewDelayMs('2026-01-01T00:00:05Z', now)).toBe(10_000);
  });
});
