import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Playlist, PlaylistItem } from '../../api/types';
import { PlayerProvider } from '../../player/PlayerContext';
import { makeTrack } from '../../test/fixtures';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../test/utils';
import { AddToPlaylistButton } from './components/AddToPlaylist';
import { PlaylistPage } from './pages/PlaylistPage';

const ID = 'p1';

function makePlaylist(overrides: Partial<Playlist> = {}): Playlist {
  return {
    id: ID,
    name: 'Road trip',
    description: '',
    visibility: 'private',
    kind: 'static',
    owner: { id: 'u1', username: 'ana' },
    mine: true,
    item_count: 3,
    duration: 540,
    cover: null,
    cover_uploaded: false,
    rules: null,
    created_at: '2026-12-01T10:00:00Z',
    updated_at: '2026-12-01T10:00:00Z',
    ...overrides,
  };
}

function items(): PlaylistItem[] {
  return [0, 1, 2].map((i) => ({
    id: `i${i}`,
    position: i,
    track: makeTrack(i),
    entry: null,
    match: null,
    available: true,
    added_at: '2026-12-01T10:00:00Z',
  }));
}

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('PlaylistPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('moves a track down with its button, and by dragging it onto another row', async () => {
    const { calls } = mockFetch(
      on('GET', `/api/v1/playlists/${ID}`, () => json(makePlaylist())),
      on('GET', `/api/v1/playlists/${ID}/items?limit=200`, () => json({ items: items(), next_cursor: null })),
      on('POST', `/api/v1/playlists/${ID}/items/move`, () => json({ changed: 2, playlist: makePlaylist() })),
    );
    renderApp(<PlayerProvider><PlaylistPage /></PlayerProvider>, { tokens: signedIn(), route: `/playlists/${ID}`, path: '/playlists/:id' });
    const list = await screen.findByRole('list', { name: 'Tracks of Road trip' });
    const first = makeTrack(0).title;
    await userEvent.click(within(list).getByRole('button', { name: `Move ${first} down` }));
    await waitFor(() => expect(calls.filter((c) => c.path.endsWith('/move'))).toHaveLength(1));
    expect(calls.find((c) => c.path.endsWith('/move'))!.body).toEqual({ item_ids: ['i0'], position: 1 });

    const rows = within(list).getAllByTestId('playlist-item');
    fireEvent.dragStart(rows[2]!, { dataTransfer: { setData: vi.fn(), effectAllowed: '' } });
    fireEvent.dragOver(rows[0]!);
    fireEvent.drop(rows[0]!);
    await waitFor(() => expect(calls.filter((c) => c.path.endsWith('/move'))).toHaveLength(2));
    expect(calls.filter((c) => c.path.endsWith('/move'))[1]!.body).toEqual({ item_ids: ['i2'], position: 0 });
  });

  it("shows another's playlist without the owner's controls", async () => {
    mockFetch(
      on('GET', `/api/v1/playlists/${ID}`, () => json(makePlaylist({ mine: false, visibility: 'public' }))),
      on('GET', `/api/v1/playlists/${ID}/items?limit=200`, () => json({ items: items(), next_cursor: null })),
    );
    renderApp(<PlayerProvider><PlaylistPage /></PlayerProvider>, { tokens: signedIn(), route: `/playlists/${ID}`, path: '/playlists/:id' });
    expect(await screen.findByText(/By ana/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Move .* down/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Duplicate' })).toBeInTheDocument();
  });
});

describe('AddToPlaylistButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('adds the track to a new playlist named in the dialog', async () => {
    const track = makeTrack(7);
    const { calls } = mockFetch(
      on('GET', '/api/v1/playlists?limit=100', () => json({ items: [], next_cursor: null })),
      on('POST', '/api/v1/playlists', () => json(makePlaylist({ id: 'new', name: 'Fresh', item_count: 0 }), 201)),
      on('POST', '/api/v1/playlists/new/items', () => json({ changed: 1, playlist: makePlaylist({ id: 'new', name: 'Fresh', item_count: 1 }) })),
    );
    renderApp(<AddToPlaylistButton track={track} />, { tokens: signedIn() });
    await userEvent.click(screen.getByRole('button', { name: `Add ${track.title} to a playlist` }));
    const dialog = await screen.findByRole('dialog', { name: `Add ${track.title} to a playlist` });
    expect(await within(dialog).findByText(/No playlists yet/)).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText('New playlist name'), 'Fresh');
    await userEvent.click(within(dialog).getByRole('button', { name: /Create/ }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Added to Fresh');
    expect(calls.find((c) => c.path === '/api/v1/playlists/new/items')!.body).toEqual({ track_ids: [track.id] });
  });
});

describe('ExportMenu', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('exports in the chosen format and downloads the file the job made', async () => {
    const job = (status: string) => ({
      id: 'j1', kind: 'playlists.export', status, progress: 1, message: null, error: null, attempts: 1, max_attempts: 3,
      cancel_requested: false, created_at: '2026-12-01T10:00:00Z', started_at: null, finished_at: null, updated_at: '2026-12-01T10:00:00Z',
      result: status === 'succeeded' ? { url: 'http://localhost/files/x.xspf?sig=1', filename: 'Road trip.xspf' } : null,
    });
    let polls = 0;
    const { calls } = mockFetch(
      on('POST', `/api/v1/playlists/${ID}/export`, () => json({ job_id: 'j1' }, 202)),
      on('GET', '/api/v1/jobs/j1', () => json(job(++polls < 2 ? 'running' : 'succeeded'))),
    );
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.href} ${this.download}`);
    });
    const { ExportMenu } = await import('./components/ExportMenu');
    renderApp(<ExportMenu playlistId={ID} />, { tokens: signedIn() });
    await userEvent.selectOptions(screen.getByLabelText('Export format'), 'xspf');
    await userEvent.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(clicked).toEqual(['http://localhost/files/x.xspf?sig=1 Road trip.xspf']), { timeout: 4000 });
    expect(calls.find((c) => c.path.endsWith('/export'))!.body).toEqual({ format: 'xspf', paths: 'absolute' });
    expect(polls).toBe(2);
  });
});
