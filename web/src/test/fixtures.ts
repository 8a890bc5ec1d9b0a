import type { Album, Track } from '../api/types';

/** A minimal valid Track for tests. */
export function makeTrack(i: number, overrides: Partial<Track> = {}): Track {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    id,
    title: `Track ${i}`,
    artist_name: `Artist ${i % 50}`,
    artists: [{ id: `artist-${i % 50}`, name: `Artist ${i % 50}` }],
    album: { id: `album-${i % 500}`, title: `Album ${i % 500}`, artist: null, year: 2000 + (i % 25) },
    track_number: (i % 12) + 1,
    track_total: 12,
    disc_number: 1,
    disc_total: 1,
    date: null,
    year: 2000 + (i % 25),
    genres: [],
    isrc: null,
    mb_recording_id: null,
    bpm: null,
    key: null,
    explicit: null,
    replaygain_track_gain: null,
    replaygain_album_gain: null,
    duration: 180 + (i % 120),
    codec: 'mp3',
    container: 'mp3',
    bitrate: 192000,
    sample_rate: 44100,
    channels: 2,
    bits_per_sample: null,
    size: 4_000_000,
    visibility: 'private',
    status: 'ready',
    owned: true,
    loved: false,
    play_count: 0,
    has_artwork: false,
    streamable: true,
    hls: true,
    created_at: '2026-01-01T00:00:00Z',
    ...overrides,
  } as Track;
}

/** A minimal valid Album for tests. */
export function makeAlbum(i: number, overrides: Partial<Album> = {}): Album {
  return {
    id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    title: `Album ${i}`,
    artist: { id: `artist-${i}`, name: `Artist ${i}`, role: 'main' },
    year: 2000 + i,
    track_count: 10,
    duration: 2400,
    has_artwork: false,
    artwork: null,
    ...overrides,
  };
}
