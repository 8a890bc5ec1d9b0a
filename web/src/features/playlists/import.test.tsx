import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Schemas } from '../../api/types';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../test/utils';
import { ImportPage } from './pages/ImportPage';

const track = (id: string, title: string, artist: string): Schemas['MatchedTrackOut'] => ({ id, title, artists: [artist], album: 'Tides', duration: 200 });

const preview: Schemas['ImportPreviewOut'] = {
  playlists: [
    {
      name: 'Evening',
      description: null,
      format: 'm3u8',
      counts: { matched: 1, review: 1, unmatched: 1 },
      rows: [
        { index: 0, entry: { title: 'Harbour Lights', artists: ['The Quays'], provider_ids: {} }, bucket: 'matched', score: 1, rule: 'path', reason: 'The same file.', track: track('t1', 'Harbour Lights', 'The Quays'), candidates: [] },
        {
          index: 1,
          entry: { title: 'Paper Boat', artists: ['Mara Lynd'], provider_ids: {} },
          bucket: 'review',
          score: 0.86,
          rule: 'fuzzy',
          reason: 'Close, but not sure enough to take without asking.',
          track: null,
          candidates: [
            { track: track('t2', 'Paper Boats', 'Mara Lind'), score: 0.86, reason: 'close' },
            { track: track('t3', 'Paper Planes', 'Mara Lind'), score: 0.8, reason: 'close' },
          ],
        },
        { index: 2, entry: { title: 'Gone', artists: ['Nobody'], provider_ids: {} }, bucket: 'unmatched', score: 0, rule: 'fuzzy', reason: 'Nothing close.', track: null, candidates: [] },
      ],
    },
  ],
};

describe('ImportPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('previews a file by bucket, takes a choice for a review row, and saves with it', async () => {
    const forms: FormData[] = [];
    const { calls } = mockFetch(
      on('POST', '/api/v1/playlists/import?preview=true&relax_versions=false', async (_c, req) => {
        forms.push(await req.formData());
        return json(preview);
      }),
      on('POST', '/api/v1/playlists/import?preview=false&relax_versions=false', async (_c, req) => {
        forms.push(await req.formData());
        return json({ playlists: [{ id: 'p9', name: 'Evening' }] });
      }),
    );
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    renderApp(<ImportPage />, { tokens, route: '/playlists/import', path: '/playlists/import' });
    const file = new File(['#EXTM3U\n'], 'evening.m3u8', { type: 'audio/x-mpegurl' });
    await userEvent.upload(screen.getByLabelText('Playlist file'), file);

    // The review bucket opens first, with the candidates to choose from.
    const review = await screen.findByRole('list', { name: 'To review' });
    expect(within(review).getByText('Paper Boat — Mara Lynd')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: /Matched 1/ })).toBeInTheDocument();
    await userEvent.click(within(review).getByRole('radio', { name: /Paper Boats — Mara Lind/ }));
    await userEvent.click(screen.getByRole('tab', { name: /Matched/ }));
    expect(await screen.findByText('same file')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Evening');

    await userEvent.click(screen.getByRole('button', { name: 'Save playlist' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/playlists/p9'));
    const saved = forms[1]!;
    expect(JSON.parse(String(saved.get('choices')))).toEqual([{ playlist: 0, row: 1, track_id: 't2' }]);
    expect(saved.get('name')).toBe('Evening');
    expect(saved.has('file')).toBe(true);
    expect(calls.every((c) => c.auth === 'Bearer tok')).toBe(true);
  });
});
