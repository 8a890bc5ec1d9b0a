import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { makeAlbum, makeTrack } from '../../test/fixtures';
import { json, makeTokens, mockFetch, on, renderApp, testUser, tokenPair } from '../../test/utils';
import { PlayerProvider } from '../../player/PlayerContext';
import { HomePage } from './HomePage';

const page = (items: unknown[]) => json({ items, next_cursor: null });

function setup(user = testUser) {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok', user));
  return { tokens };
}

describe('HomePage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says how to fill an empty library, with buttons (and a folder scan for admins)', async () => {
    mockFetch(
      on('GET', '/api/v1/library/albums?sort=created&order=desc&limit=10', () => page([])),
      on('GET', '/api/v1/library/tracks?sort=plays&order=desc&limit=10', () => page([])),
      on('GET', '/api/v1/me/history?limit=50', () => page([])),
      on('GET', '/api/v1/me/loves?limit=100', () => page([])),
    );
    renderApp(<PlayerProvider><HomePage /></PlayerProvider>, setup({ ...testUser, role: 'admin' }));
    const empty = await screen.findByRole('region', { name: 'Your library is empty' });
    expect(within(empty).getByRole('link', { name: /Upload music/ })).toHaveAttribute('href', '/upload');
    expect(within(empty).getByRole('link', { name: 'Scan a folder' })).toHaveAttribute('href', '/admin/folders');
    expect(screen.queryByRole('button', { name: /Shuffle my library/ })).not.toBeInTheDocument();
  });

  it('shows recently added, recently played, most played and loved albums', async () => {
    const album = makeAlbum(1, { title: 'Fresh Album' });
    const played = makeTrack(2, { title: 'Played Song' });
    const popular = makeTrack(3, { title: 'Popular Song', play_count: 12 });
    const never = makeTrack(4, { title: 'Never Played', play_count: 0 });
    const loved = makeTrack(5, { title: 'Loved Song', album: { id: 'alb-loved', title: 'Loved Album', artist: null, year: 1999 } });
    mockFetch(
      on('GET', '/api/v1/library/albums?sort=created&order=desc&limit=10', () => page([album])),
      on('GET', '/api/v1/library/tracks?sort=plays&order=desc&limit=10', () => page([popular, never])),
      on('GET', '/api/v1/me/history?limit=50', () => page([{ track: played, play: { id: 'p1', started_at: '2026-01-01T00:00:00Z', position: 40, counted: true, completed: false } }])),
      on('GET', '/api/v1/me/loves?limit=100', () => page([loved])),
    );
    renderApp(<PlayerProvider><HomePage /></PlayerProvider>, setup());
    expect(within(await screen.findByRole('list', { name: 'Recently added' })).getByText('Fresh Album')).toBeInTheDocument();
    expect(within(await screen.findByRole('list', { name: 'Recently played' })).getByText('Played Song')).toBeInTheDocument();
    const most = await screen.findByRole('list', { name: 'Most played' });
    expect(within(most).getByText('Popular Song')).toBeInTheDocument();
    expect(within(most).queryByText('Never Played')).not.toBeInTheDocument();
    const lovedAlbums = await screen.findByRole('list', { name: 'Loved albums' });
    expect(within(lovedAlbums).getByRole('link', { name: /Loved Album/ })).toHaveAttribute('href', '/albums/alb-loved');
    expect(screen.getByRole('button', { name: /Shuffle my library/ })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Your library is empty' })).not.toBeInTheDocument();
  });
});
