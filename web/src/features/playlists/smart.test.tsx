import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Playlist } from '../../api/types';
import { PlayerProvider } from '../../player/PlayerContext';
import { makeTrack } from '../../test/fixtures';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../test/utils';
import { NewSmartPlaylistPage } from './pages/NewSmartPlaylistPage';
import { PlaylistsPage } from './pages/PlaylistsPage';
import { PlaylistPage } from './pages/PlaylistPage';

const ID = 's1';
const RULES = { all: [{ field: 'genre', op: 'is', value: 'jazz' }] } as const;

function smartPlaylist(overrides: Partial<Playlist> = {}): Playlist {
  return {
    id: ID,
    name: 'Jazz',
    description: '',
    visibility: 'private',
    kind: 'smart',
    owner: { id: 'u1', username: 'ana' },
    mine: true,
    item_count: 2,
    duration: 300,
    cover: null,
    cover_uploaded: false,
    rules: { all: [...RULES.all] },
    sort: { field: 'year', order: 'desc' },
    limit: 50,
    created_at: '2026-12-01T10:00:00Z',
    updated_at: '2026-12-01T10:00:00Z',
    ...overrides,
  };
}

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('NewSmartPlaylistPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('previews the rules as they change, then saves a smart playlist', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/playlists/smart/preview', (call) => {
        const body = call.body as { rules: { all: Array<{ value: unknown }> } };
        const asked = body.rules.all[0]?.value;
        const items = asked === 'jazz' ? [makeTrack(1)] : [makeTrack(1), makeTrack(2), makeTrack(3)];
        return json({ items, total: items.length, duration: 60 * items.length });
      }),
      on('POST', '/api/v1/playlists', () => json(smartPlaylist(), 201)),
    );
    renderApp(<NewSmartPlaylistPage />, { tokens: signedIn(), route: '/playlists/smart/new', path: '/playlists/smart/new' });
    await userEvent.type(screen.getByLabelText('Name'), 'Jazz');
    await userEvent.selectOptions(screen.getByLabelText('Rule 1 field'), 'genre');
    await userEvent.selectOptions(screen.getByLabelText('Rule 1 operator'), 'is');
    await userEvent.type(screen.getByLabelText('Rule 1 value'), 'jazz');
    await userEvent.selectOptions(screen.getByLabelText('Sort by'), 'year');
    await userEvent.selectOptions(screen.getByLabelText('Order'), 'desc');
    await userEvent.type(screen.getByLabelText('Limit'), '50');

    const preview = screen.getByRole('region', { name: 'Preview' });
    await waitFor(() => expect(within(preview).getByTestId('smart-preview-total')).toHaveTextContent('1 track'), { timeout: 4000 });
    expect(within(preview).getByText(makeTrack(1).title)).toBeInTheDocument();
    // Debounced: typing "jazz" letter by letter did not ask once per letter.
    const previews = calls.filter((c) => c.path === '/api/v1/playlists/smart/preview');
    expect(previews.length).toBeLessThan(4);
    expect(previews.at(-1)!.body).toEqual({ rules: RULES, sort: { field: 'year', order: 'desc' }, limit: 50, count: 25 });

    await userEvent.click(screen.getByRole('button', { name: 'Save smart playlist' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/playlists')).toBe(true));
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/v1/playlists')!.body).toEqual({
      name: 'Jazz',
      description: '',
      visibility: 'private',
      kind: 'smart',
      rules: RULES,
      sort: { field: 'year', order: 'desc' },
      limit: 50,
    });
  }, 20_000);

  it('nests a group of any-rules and shows the server saying no', async () => {
    const { calls } = mockFetch(
      on('POST', '/api/v1/playlists/smart/preview', () =>
        json({ type: 'about:blank', title: 'Request validation failed', status: 422, code: 'validation_error', detail: 'year: needs a whole number' }, 422),
      ),
    );
    renderApp(<NewSmartPlaylistPage />, { tokens: signedIn(), route: '/playlists/smart/new', path: '/playlists/smart/new' });
    // An empty rule asks nothing yet, and says why.
    expect(await screen.findByText('Fill in every rule to see which tracks it selects.')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 600));
    expect(calls.filter((c) => c.path.endsWith('/preview'))).toHaveLength(0);
    await userEvent.type(screen.getByLabelText('Rule 1 value'), 'Nina');
    await userEvent.click(screen.getByRole('button', { name: 'Add group' }));
    const group = screen.getByRole('group', { name: 'Group 2' });
    await userEvent.selectOptions(within(group).getByLabelText('Group 2, rule 1 field'), 'loved');
    await waitFor(() => expect(calls.filter((c) => c.path.endsWith('/preview')).length).toBeGreaterThan(0), { timeout: 4000 });
    await waitFor(() =>
      expect(calls.at(-1)!.body).toMatchObject({ rules: { all: [{ field: 'artist', op: 'is', value: 'Nina' }, { any: [{ field: 'loved', op: 'is', value: true }] }] } }),
    );
    expect(await screen.findByText(/needs a whole number/)).toBeInTheDocument();
  }, 20_000);
});

describe('PlaylistPage (smart)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows the evaluated tracks, and edits the rules", async () => {
    const { calls } = mockFetch(
      on('GET', `/api/v1/playlists/${ID}`, () => json(smartPlaylist())),
      on('GET', `/api/v1/playlists/${ID}/tracks?limit=200`, () => json({ items: [makeTrack(1), makeTrack(2)], next_cursor: null })),
      on('POST', '/api/v1/playlists/smart/preview', () => json({ items: [makeTrack(2)], total: 1, duration: 60 })),
      on('PATCH', `/api/v1/playlists/${ID}`, () => json(smartPlaylist({ limit: null }))),
    );
    renderApp(<PlayerProvider><PlaylistPage /></PlayerProvider>, { tokens: signedIn(), route: `/playlists/${ID}`, path: '/playlists/:id' });
    const list = await screen.findByRole('list', { name: 'Tracks of Jazz' });
    expect(within(list).getAllByTestId('smart-track')).toHaveLength(2);
    expect(screen.getByText(/Smart playlist/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove duplicates' })).not.toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/items'))).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Edit rules' }));
    const form = screen.getByRole('form', { name: 'Edit rules' });
    expect(within(form).getByLabelText('Rule 1 value')).toHaveValue('jazz');
    await userEvent.clear(within(form).getByLabelText('Limit'));
    await userEvent.click(within(form).getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ rules: RULES, sort: { field: 'year', order: 'desc' }, limit: null, unlimited: true });
  }, 20_000);
});

describe('PlaylistsPage (.nsp import)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('imports a Navidrome smart playlist file and opens it', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/playlists?limit=100', () => json({ items: [], next_cursor: null })),
      on('POST', '/api/v1/playlists/smart/import', () => json(smartPlaylist({ name: 'Recently Played' }), 201)),
    );
    renderApp(<PlaylistsPage />, { tokens: signedIn(), route: '/playlists', path: '/playlists' });
    const nsp = '{"all": [{"inTheLast": {"lastPlayed": 30}}], "sort": "lastPlayed", "order": "desc"}';
    const file = new File([nsp], 'recent.nsp', { type: 'application/json' });
    await userEvent.upload(screen.getByLabelText('Import a Navidrome smart playlist (.nsp)'), file);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/playlists/${ID}`));
    const sent = calls.find((c) => c.path === '/api/v1/playlists/smart/import')!;
    // A multipart form with the file in field `file` (jsdom's File reaches undici without its
    // name and bytes, so only the part itself can be checked here; tests/playlists reads files).
    expect(String(sent.body)).toContain('form-data; name="file"');
  }, 20_000);
});
