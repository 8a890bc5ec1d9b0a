import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { flattenPages } from '../../api/infinite';
import { invalidateTagged } from '../../api/trackCache';
import { makeTrack } from '../../test/fixtures';
import { json, makeTokens, mockFetch, renderApp, tokenPair } from '../../test/utils';
import { useTracksInfinite } from '../library/api';
import { useSearch } from '../search/api';
import { useHistoryInfinite, useLovesInfinite } from './api';
import { LoveButton } from './components/LoveButton';

const track = makeTrack(1, { title: 'Heartbeat' });

/** A library track list, a search result and the Loves list, all holding the same track. */
function Harness() {
  const tracks = flattenPages(useTracksInfinite({ sort: 'created', order: 'desc' }).data);
  const found = useSearch('heart').data?.tracks ?? [];
  const loves = flattenPages(useLovesInfinite().data);
  return (
    <>
      <ul aria-label="Library">
        {tracks.map((t) => (
          <li key={t.id}>
            <LoveButton track={t} />
          </li>
        ))}
      </ul>
      <ul aria-label="Search">
        {found.map((t) => (
          <li key={t.id}>
            <LoveButton track={t} />
          </li>
        ))}
      </ul>
      <p data-testid="loves">{loves.length}</p>
    </>
  );
}

describe('love toggle', () => {
  it('updates the track in every cached list and refetches Loves', async () => {
    let loved = false;
    const { calls } = mockFetch((req) => {
      const { pathname } = new URL(req.url);
      if (pathname === '/api/v1/library/tracks') return json({ items: [{ ...track, loved }], next_cursor: null });
      if (pathname === '/api/v1/search') return json({ tracks: [{ ...track, loved }], albums: [], artists: [] });
      if (pathname === '/api/v1/me/loves') return json({ items: loved ? [{ ...track, loved }] : [], next_cursor: null });
      if (pathname === `/api/v1/tracks/${track.id}/love` && req.method === 'PUT') {
        loved = true;
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    renderApp(<Harness />, { tokens });
    const user = userEvent.setup();
    const library = await screen.findByRole('list', { name: 'Library' });
    await screen.findByRole('list', { name: 'Search' });
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Love Heartbeat' })).toHaveLength(2));
    expect(screen.getByTestId('loves')).toHaveTextContent('0');

    await user.click(library.querySelector('button')!);

    // Both cached copies flip at once (optimistic), and Loves refetches once the PUT settles.
    expect(screen.getAllByRole('button', { name: 'Unlove Heartbeat' })).toHaveLength(2);
    await waitFor(() => expect(screen.getByTestId('loves')).toHaveTextContent('1'));
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.path)).toEqual([`/api/v1/tracks/${track.id}/love`]);
  });
});

function HistoryHarness() {
  const q = useHistoryInfinite();
  return <p data-testid="history">{q.isSuccess ? flattenPages(q.data).length : 'loading'}</p>;
}

describe('play history', () => {
  it('refetches when the player reports a play (tag "plays")', async () => {
    const { calls } = mockFetch((req) =>
      new URL(req.url).pathname === '/api/v1/me/history' ? json({ items: [], next_cursor: null }) : undefined,
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { queryClient } = renderApp(<HistoryHarness />, { tokens });
    await waitFor(() => expect(screen.getByTestId('history')).toHaveTextContent('0'));
    const before = calls.length;
    await act(() => invalidateTagged(queryClient, 'plays'));
    expect(calls.length).toBe(before + 1);
    expect(calls.at(-1)!.path).toMatch(/^\/api\/v1\/me\/history/);
  });
});
