import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppRoutes } from '../App';
import { makeTrack } from '../test/fixtures';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../test/utils';

const t1 = makeTrack(1, { title: 'First', track_number: 1 });
const t2 = makeTrack(2, { title: 'Second', track_number: 2 });
const t3 = makeTrack(3, { title: 'Broken', track_number: 3, streamable: false, hls: false, status: 'failed' });
const album = { id: 'album-x', title: 'The Album', artist: { id: 'ar', name: 'The Band' }, year: 2020, track_count: 3, duration: 600, has_artwork: false, tracks: [t1, t2, t3] };

function grant(id: string, hls = true) {
  return json({
    hls_url: hls ? `/api/v1/stream/tok-${id}/master.m3u8` : null,
    token: `tok-${id}`,
    audio_url: `/api/v1/tracks/t${id}/audio?token=tok-${id}`,
    expires_at: new Date(Date.now() + 6 * 3600_000).toISOString(),
  });
}

describe('player', () => {
  beforeEach(() => {
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
      return Promise.resolve();
    });
    vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {});
    vi.spyOn(HTMLMediaElement.prototype, 'load').mockImplementation(() => {});
    localStorage.clear();
  });

  it('plays an album from the album page, reports the play, skips to the next track and keeps the volume', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch(
      on('GET', '/api/v1/library/albums/album-x', () => json(album)),
      on('POST', `/api/v1/tracks/${t1.id}/stream`, () => grant('1')),
      on('POST', `/api/v1/tracks/${t2.id}/stream`, () => grant('2')),
      on('POST', '/api/v1/plays', () => json({ id: 'play-1', track_id: t1.id, started_at: '', updated_at: '', position: 0, completed: false, counted: false }, 201)),
      (req) => (new URL(req.url).pathname.endsWith('/waveform') ? json({ buckets: 2, peaks: [[-0.5, 0.5], [-0.2, 0.3]] }) : undefined),
    );
    renderApp(<AppRoutes />, { route: '/albums/album-x', tokens });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Play all' }));

    const bar = screen.getByTestId('player-bar');
    expect(await within(bar).findByTestId('now-playing-title')).toHaveTextContent('First');
    const audio = document.querySelector('audio[data-testid="audio"]') as HTMLAudioElement;
    // jsdom plays nothing: the player falls back to progressive Opus with the grant's token.
    await waitFor(() => expect(audio.getAttribute('src')).toBe(`/api/v1/tracks/${t1.id}/audio?format=opus&token=tok-1`));
    expect(bar).toHaveAttribute('data-engine', 'progressive-opus');

    act(() => {
      audio.dispatchEvent(new Event('playing'));
    });
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/plays')).toBe(true));
    expect(calls.find((c) => c.path === '/api/v1/plays')?.body).toMatchObject({ track_id: t1.id, event: 'start', client: 'web' });
    // (phone and desktop controls are both in the DOM; CSS shows one)
    expect(within(bar).getAllByRole('button', { name: 'Pause' })[0]).toBeInTheDocument();

    // The broken track is not queued: next goes to "Second", then there is no next.
    await user.click(within(bar).getAllByRole('button', { name: 'Next' })[0]!);
    expect(await within(bar).findByTestId('now-playing-title')).toHaveTextContent('Second');
    await waitFor(() => expect(audio.getAttribute('src')).toContain('token=tok-2'));
    for (const b of within(bar).getAllByRole('button', { name: 'Next' })) expect(b).toBeDisabled();

    // Queue panel shows both entries; remove the first.
    await user.click(within(bar).getByRole('button', { name: 'Queue' }));
    const queue = screen.getByRole('list', { name: 'Queued tracks' });
    expect(within(queue).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('First'), expect.stringContaining('Second')]);
    await user.click(within(queue).getByRole('button', { name: 'Remove First from the queue' }));
    expect(within(queue).getAllByRole('listitem')).toHaveLength(1);

    // Volume is applied and persisted.
    const volume = within(bar).getByRole('slider', { name: 'Volume' });
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(volume, '0.3');
      volume.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitFor(() => expect(audio.volume).toBeCloseTo(0.3));
    expect(JSON.parse(localStorage.getItem('tonearm.player.volume')!)).toEqual({ volume: 0.3, muted: false });
  });

  it('does not offer to play a track that cannot be played', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch(on('GET', '/api/v1/library/albums/album-x', () => json({ ...album, tracks: [t3] })));
    renderApp(<AppRoutes />, { route: '/albums/album-x', tokens });
    expect(await screen.findByRole('button', { name: 'Play all' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Broken cannot be played (failed)' })).toBeDisabled();
    expect(screen.getByTestId('player-bar')).toHaveTextContent('Nothing playing');
  });

  it('plays a track still being processed from its original file (seekable byte ranges)', async () => {
    vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockImplementation((type: string) => (type === 'audio/mpeg' ? 'maybe' : ''));
    const fresh = makeTrack(4, { title: 'Just Uploaded', streamable: true, hls: false, status: 'processing', codec: 'mp3', container: 'mp3' });
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch(
      on('GET', '/api/v1/library/albums/album-x', () => json({ ...album, tracks: [fresh] })),
      on('POST', `/api/v1/tracks/${fresh.id}/stream`, () => grant('4', false)),
    );
    renderApp(<AppRoutes />, { route: '/albums/album-x', tokens });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Play all' }));
    const audio = document.querySelector('audio[data-testid="audio"]') as HTMLAudioElement;
    await waitFor(() => expect(audio.getAttribute('src')).toBe(`/api/v1/tracks/${fresh.id}/audio?format=original&token=tok-4`));
    expect(screen.getByTestId('player-bar')).toHaveAttribute('data-engine', 'progressive-original(audio/mpeg)');
    // no waveform until the processing job has made one
    expect(calls.some((c) => c.path.endsWith('/waveform'))).toBe(false);
  });
});
