import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Service } from '../../api/types';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../test/utils';
import { PlaylistsPage } from './pages/PlaylistsPage';

const svc = (slug: string, name: string): Service => ({
  slug,
  name,
  kind: 'streaming',
  auth: 'oauth',
  capabilities: ['playlists_read', 'playlists_write'],
  configured: true,
  own_app_allowed: false,
  own_app_help: null,
  own_app_client_id: null,
  connection: { id: slug, account_id: 'a', account_name: 'ann', status: 'active', connected_at: '2026-12-01T10:00:00Z', expires_at: null, scope: null, uses_own_app: false, last_error: null },
});

const servicePlaylist = { id: 'sp1', name: 'Road trip', description: null, track_count: 10, snapshot: 's', owner_name: 'ann', editable: true, public: false, url: 'https://open.spotify.example/playlist/sp1', image: null };

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('PlaylistsPage sources', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists each source: Tonearm, all, each connected service; a failed service says why', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json({ items: [svc('spotify', 'Spotify'), svc('tidal', 'TIDAL'), { ...svc('deezer', 'Deezer'), connection: null }], callback_urls: {} })),
      on('GET', '/api/v1/playlists?limit=100', () => json({ items: [], next_cursor: null })),
      on('GET', '/api/v1/playlists?source=all&limit=100', () =>
        json({
          items: [],
          next_cursor: null,
          services: [
            { slug: 'spotify', name: 'Spotify', status: 'ok', error: null, playlists: [servicePlaylist] },
            { slug: 'tidal', name: 'TIDAL', status: 'error', error: 'TIDAL answered 503', playlists: [] },
          ],
        }),
      ),
      on('GET', '/api/v1/playlists?source=spotify&limit=100', () =>
        json({ items: [], next_cursor: null, services: [{ slug: 'spotify', name: 'Spotify', status: 'ok', error: null, playlists: [servicePlaylist] }] }),
      ),
    );
    renderApp(<PlaylistsPage />, { tokens: signedIn(), route: '/playlists' });
    const tabs = await screen.findByRole('tablist', { name: 'Sources' });
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Tonearm', 'All', 'Spotify', 'TIDAL']);
    expect(await screen.findByText(/No playlists yet/)).toBeInTheDocument();

    await userEvent.click(within(tabs).getByRole('tab', { name: 'All' }));
    const spotify = await screen.findByRole('list', { name: 'On Spotify' });
    expect(spotify).toHaveTextContent('Road trip');
    expect(spotify).toHaveTextContent('10 tracks');
    expect(within(spotify).getByRole('link', { name: 'Open Road trip on Spotify' })).toHaveAttribute('href', servicePlaylist.url);
    expect(screen.getByRole('alert')).toHaveTextContent('TIDAL answered 503');
    expect(screen.getByTestId('location')).toHaveTextContent('/playlists?source=all');

    await userEvent.click(within(tabs).getByRole('tab', { name: 'Spotify' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/playlists?source=spotify&limit=100')).toBe(true));
    expect(await screen.findByRole('list', { name: 'On Spotify' })).toBeInTheDocument();
  });
});
