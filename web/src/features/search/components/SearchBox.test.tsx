import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route } from 'react-router';
import { makeTrack } from '../../../test/fixtures';
import { json, makeTokens, mockFetch, renderApp, tokenPair } from '../../../test/utils';
import { SEARCH_DEBOUNCE_MS, SearchBox } from './SearchBox';

const album = { id: 'album-1', title: 'Blue Train', artist: { id: 'ar-1', name: 'John Coltrane' }, year: 1957, track_count: 5, duration: 2500, has_artwork: false };
const artist = { id: 'ar-1', name: 'John Coltrane', track_count: 5, album_count: 1 };

function setup() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  const { calls } = mockFetch((req) => {
    const url = new URL(req.url);
    if (url.pathname !== '/api/v1/search') return undefined;
    const q = url.searchParams.get('q') ?? '';
    return json({ query: q, tracks: [makeTrack(1, { title: `${q} song` })], albums: [album], artists: [artist] });
  });
  const utils = renderApp(<SearchBox />, {
    tokens,
    path: '/',
    extraRoutes: [<Route key="a" path="/albums/:id" element={<p>album page</p>} />, <Route key="s" path="/search" element={<p>results page</p>} />],
  });
  const searches = () => calls.filter((c) => c.path.startsWith('/api/v1/search')).map((c) => new URL(c.path, 'http://x').searchParams.get('q'));
  return { ...utils, searches };
}

describe('SearchBox', () => {
  it('debounces typing into one request for the final text', async () => {
    const { searches } = setup();
    const user = userEvent.setup();
    const box = screen.getByRole('combobox', { name: 'Search' });
    // Eight keystrokes in one go (well inside the debounce window).
    const word = 'coltrane';
    // An input event, as typing sends (React's onChange hears it; Preact's compat maps onChange to it).
    for (let i = 1; i <= word.length; i++) fireEvent.input(box, { target: { value: word.slice(0, i) } });
    expect(searches()).toEqual([]);
    expect(await screen.findByRole('option', { name: /coltrane song/ })).toBeInTheDocument();
    expect(searches()).toEqual(['coltrane']);
    // Typing more after a pause searches again, once.
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 50));
    await user.type(box, ' blue');
    expect(await screen.findByRole('option', { name: /coltrane blue song/ })).toBeInTheDocument();
    expect(searches()).toEqual(['coltrane', 'coltrane blue']);
  });

  it('does not search until the text has been still for the debounce delay', async () => {
    const { searches } = setup();
    const user = userEvent.setup();
    await user.type(screen.getByRole('combobox', { name: 'Search' }), 'ab');
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS / 3));
    expect(searches()).toEqual([]);
    await waitFor(() => expect(searches()).toEqual(['ab']));
  });

  it('navigates results with the keyboard and opens the chosen one', async () => {
    setup();
    const user = userEvent.setup();
    const box = screen.getByRole('combobox', { name: 'Search' });
    await user.type(box, 'blue');
    await screen.findByRole('option', { name: /Blue Train/ });
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const selected = screen.getByRole('option', { selected: true });
    expect(selected).toHaveTextContent('Blue Train');
    expect(box).toHaveAttribute('aria-activedescendant', selected.id);
    await user.keyboard('{Enter}');
    expect(await screen.findByText('album page')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/albums/album-1');
  });

  it('Enter without a selection opens the results page', async () => {
    setup();
    const user = userEvent.setup();
    await user.type(screen.getByRole('combobox', { name: 'Search' }), 'train{Enter}');
    expect(await screen.findByText('results page')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/search?q=train');
  });
});
