import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../../test/utils';
import { GenresPage } from './GenresPage';

describe('GenresPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists the genres with their counts, each a link to its page', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch(
      on('GET', '/api/v1/library/genres', () =>
        json({ items: [{ name: 'Électro', track_count: 2, album_count: 1 }, { name: 'Hip Hop', track_count: 1, album_count: 1 }] }),
      ),
    );
    renderApp(<GenresPage />, { tokens });
    const list = await screen.findByRole('list', { name: 'Genres' });
    const electro = within(list).getByRole('link', { name: /Électro/ });
    expect(electro).toHaveAttribute('href', '/genres/%C3%89lectro');
    expect(electro).toHaveTextContent('2 tracks · 1 album');
    expect(within(list).getByRole('link', { name: /Hip Hop/ })).toHaveAttribute('href', '/genres/Hip%20Hop');
  });
});
