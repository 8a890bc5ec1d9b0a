import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Migration, MigrationTrack, Service } from '../../api/types';
import { json, makeTokens, mockFetch, on, renderApp, sseResponse, tokenPair, type RecordedCall } from '../../test/utils';
import { MigratePage } from './pages/MigratePage';
import { MigrationPage } from './pages/MigrationPage';
import { MigrationsPage } from './pages/MigrationsPage';

const MID = '00000000-0000-4000-8000-0000000000a1';
const JOB = '00000000-0000-4000-8000-0000000000b1';

function service(slug: string, name: string, capabilities: string[]): Service {
  return {
    slug,
    name,
    kind: 'streaming',
    auth: 'oauth',
    capabilities,
    configured: true,
    own_app_allowed: false,
    own_app_help: null,
    own_app_client_id: null,
    connection: {
      id: `c-${slug}`,
      account_id: 'a',
      account_name: `ann on ${name}`,
      status: 'active',
      connected_at: '2026-12-01T10:00:00Z',
      expires_at: null,
      scope: null,
      uses_own_app: false,
      last_error: null,
    },
  };
}

const connections = {
  items: [
    service('spotify', 'Spotify', ['playlists_read', 'playlists_write', 'liked_read', 'search', 'isrc']),
    service('tidal', 'TIDAL', ['playlists_read', 'playlists_write', 'search', 'isrc']),
  ],
  callback_urls: {},
};

function migration(overrides: Partial<Migration> = {}): Migration {
  return {
    id: MID,
    source: { kind: 'service', service: 'spotify' },
    target: { kind: 'service', service: 'tidal' },
    selection: { playlists: ['sp1'] },
    dry_run: false,
    policy: { strict_versions: true },
    status: 'review',
    counts: { tracks: 10, looked_up: 10, matched: 7, review: 1, unmatched: 2, skipped: 0, written: 0 },
    job_id: JOB,
    playlists: [{ id: 'mp1', source_id: 'sp1', name: 'Road trip', target_id: null, target_url: null, tracks: 10 }],
    resume_at: null,
    estimate: null,
    error: null,
    sync_pair_id: null,
    created_at: '2026-12-01T10:00:00Z',
    finished_at: null,
    ...overrides,
  };
}

function track(i: number, overrides: Partial<MigrationTrack> = {}): MigrationTrack {
  return {
    id: `t${i}`,
    playlist_id: 'mp1',
    position: i,
    entry: { title: `Song ${i}`, artists: ['Artist'], album: 'Album', duration: 200, isrc: null, provider_ids: {} },
    bucket: 'matched',
    score: 1,
    rule: 'isrc',
    reason: `The same ISRC for song ${i}.`,
    candidates: [],
    target_track_id: `x${i}`,
    decided_by: 'engine',
    written: false,
    error: null,
    ...overrides,
  };
}

const twins = track(8, {
  entry: { title: 'Paper Moon', artists: ['Odd Echo'], album: null, duration: 210, isrc: null, provider_ids: {} },
  bucket: 'review',
  score: 0.92,
  rule: 'fuzzy',
  reason: 'Close, but not sure enough to take without asking.',
  target_track_id: null,
  decided_by: null,
  candidates: [
    { id: 'td1', score: 0.92, reason: 'title 100%', track: { title: 'Paper Moon', artists: ['Odd Echo'], album: 'Paper Moon (Deluxe)', duration: 225, url: null } },
    { id: 'td2', score: 0.9, reason: 'title 100%', track: { title: 'Paper Moon', artists: ['Odd Echo'], album: 'Night Songs', duration: 196, url: null } },
  ],
});

/** Answer GETs whose path starts with `prefix` (any query). */
const startsWith = (method: string, prefix: string, respond: (call: RecordedCall, req: Request) => Response) => (req: Request, call: RecordedCall) =>
  call.method === method && call.path.startsWith(prefix) ? respond(call, req) : undefined;

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('MigratePage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('starts a migration of the chosen playlists to the chosen service, then shows it', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', '/api/v1/playlists?source=spotify&limit=100', () =>
        json({
          items: [],
          next_cursor: null,
          services: [
            {
              slug: 'spotify',
              name: 'Spotify',
              status: 'ok',
              error: null,
              playlists: [
                { id: 'sp1', name: 'Road trip', description: null, track_count: 10, snapshot: 's', owner_name: 'ann', editable: true, public: false, url: null, image: null },
                { id: 'sp2', name: 'Focus', description: null, track_count: 1, snapshot: 's', owner_name: 'ann', editable: true, public: false, url: null, image: null },
              ],
            },
          ],
        }),
      ),
      on('POST', '/api/v1/migrations', () => json(migration({ status: 'queued' }), 201)),
    );
    renderApp(<MigratePage />, { tokens: signedIn(), route: '/migrate' });
    await userEvent.click(await screen.findByRole('radio', { name: /Spotify/ }));
    const lists = await screen.findByRole('list', { name: 'Source playlists' });
    expect(within(lists).getByText('10 tracks')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Liked tracks' })).toBeInTheDocument();
    await userEvent.click(within(lists).getByRole('checkbox', { name: /Road trip/ }));
    const targets = screen.getByRole('radiogroup', { name: 'Target' });
    expect(within(targets).getByRole('radio', { name: /Spotify/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Start migration' })).toBeDisabled();
    await userEvent.click(within(targets).getByRole('radio', { name: /TIDAL/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Strict versions/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Start dry run' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/migrations/${MID}`));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      source: { kind: 'service', service: 'spotify' },
      target: { kind: 'service', service: 'tidal' },
      playlists: ['sp1'],
      dry_run: true,
      policy: { strict_versions: false },
    });
  });

  it('writes a service playlist as a file to download, in the chosen format', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', '/api/v1/playlists?source=spotify&limit=100', () =>
        json({
          items: [],
          next_cursor: null,
          services: [
            {
              slug: 'spotify',
              name: 'Spotify',
              status: 'ok',
              error: null,
              playlists: [{ id: 'sp1', name: 'Road trip', description: null, track_count: 10, snapshot: 's', owner_name: 'ann', editable: true, public: false, url: null, image: null }],
            },
          ],
        }),
      ),
      on('POST', '/api/v1/migrations', () => json(migration({ status: 'queued' }), 201)),
    );
    renderApp(<MigratePage />, { tokens: signedIn(), route: '/migrate' });
    await userEvent.click(await screen.findByRole('radio', { name: /Spotify/ }));
    const lists = await screen.findByRole('list', { name: 'Source playlists' });
    await userEvent.click(within(lists).getByRole('checkbox', { name: /Road trip/ }));
    await userEvent.click(within(screen.getByRole('radiogroup', { name: 'Target' })).getByRole('radio', { name: /A playlist file/ }));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Format' }), 'csv');
    await userEvent.click(screen.getByRole('button', { name: 'Start migration' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/migrations/${MID}`));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ target: { kind: 'file', format: 'csv' } });
  });

  it('comes with the source and playlist chosen from a playlist\'s Migrate link', async () => {
    mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', '/api/v1/playlists?source=spotify&limit=100', () =>
        json({
          items: [],
          next_cursor: null,
          services: [
            {
              slug: 'spotify',
              name: 'Spotify',
              status: 'ok',
              error: null,
              playlists: [{ id: 'sp1', name: 'Road trip', description: null, track_count: 10, snapshot: 's', owner_name: 'ann', editable: true, public: false, url: null, image: null }],
            },
          ],
        }),
      ),
    );
    renderApp(<MigratePage />, { tokens: signedIn(), route: '/migrate?source=spotify&playlist=sp1' });
    const lists = await screen.findByRole('list', { name: 'Source playlists' });
    expect(within(lists).getByRole('checkbox', { name: /Road trip/ })).toBeChecked();
    expect(within(screen.getByRole('radiogroup', { name: 'Source' })).getByRole('radio', { name: /Spotify/ })).toBeChecked();
  });

  it('starts one from a playlist file, to the library', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('POST', '/api/v1/migrations/upload', () => json(migration({ status: 'queued', source: { kind: 'file' }, target: { kind: 'library' } }), 201)),
    );
    renderApp(<MigratePage />, { tokens: signedIn(), route: '/migrate' });
    await userEvent.click(await screen.findByRole('radio', { name: /A playlist file/ }));
    await userEvent.upload(screen.getByLabelText('Playlist file'), new File(['#EXTM3U\n'], 'walk.m3u', { type: 'audio/x-mpegurl' }));
    await userEvent.click(screen.getByRole('radio', { name: /Tonearm library/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Start migration' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/migrations/${MID}`));
    const body = String(calls.find((c) => c.method === 'POST')!.body);
    expect(body).toContain('name="file"'); // (jsdom's File reaches undici's FormData without its name)
    expect(body).toMatch(/name="target"\r\n\r\nlibrary/);
    expect(body).toMatch(/name="strict_versions"\r\n\r\ntrue/);
  });

  it('says a service that could not list its playlists, and offers liked tracks and all', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', '/api/v1/playlists?source=spotify&limit=100', () =>
        json({ items: [], next_cursor: null, services: [{ slug: 'spotify', name: 'Spotify', status: 'reconnect', error: 'Access was revoked', playlists: [] }] }),
      ),
      on('POST', '/api/v1/migrations', () => json(migration({ status: 'queued', target: { kind: 'library' } }), 201)),
    );
    renderApp(<MigratePage />, { tokens: signedIn(), route: '/migrate' });
    await userEvent.click(await screen.findByRole('radio', { name: /Spotify/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Spotify could not list its playlists: Access was revoked');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Liked tracks' }));
    await userEvent.click(screen.getByRole('radio', { name: /Tonearm library/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Start migration' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ playlists: 'liked', target: { kind: 'library' } }));
  });
});

describe('MigrationPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows live counts from the job events while it matches', async () => {
    mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', `/api/v1/migrations/${MID}`, () => json(migration({ status: 'matching', counts: { tracks: 10, looked_up: 2, matched: 2, review: 0, unmatched: 0, skipped: 0, written: 0 } }))),
      startsWith('GET', '/api/v1/jobs/events', (call, req) => {
        expect(call.path).toContain(`job_id=${JOB}`);
        return sseResponse(req, [
          { event: 'migration', data: { type: 'migration', id: JOB, migration: MID, status: 'matching', counts: { looked_up: 6, matched: 5, unmatched: 1 } } },
        ]);
      }),
    );
    renderApp(<MigrationPage />, { tokens: signedIn(), route: `/migrations/${MID}`, path: '/migrations/:id' });
    expect(await screen.findByTestId('migration-status')).toHaveTextContent('Matching tracks');
    expect(screen.getByRole('progressbar', { name: 'Progress' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('count-looked_up')).toHaveTextContent('6'));
    expect(screen.getByTestId('count-matched')).toHaveTextContent('5');
    expect(screen.getByTestId('count-unmatched')).toHaveTextContent('1');
  });

  it('reviews a row (a candidate, or skip), applies, and reports by bucket', async () => {
    let current = migration();
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', `/api/v1/migrations/${MID}`, () => json(current)),
      startsWith('GET', `/api/v1/migrations/${MID}/tracks?limit=200&bucket=review`, () => json({ items: [twins], next_cursor: null })),
      startsWith('GET', `/api/v1/migrations/${MID}/tracks?limit=200&bucket=unmatched`, () =>
        json({ items: [track(7, { bucket: 'unmatched', rule: 'fuzzy', score: 0, reason: 'Only another version is in the catalog.', target_track_id: null, decided_by: null })], next_cursor: null }),
      ),
      startsWith('GET', `/api/v1/migrations/${MID}/tracks`, () =>
        json({ items: [track(0, { written: current.status === 'done' }), { ...twins, decided_by: 'user', target_track_id: 'td2' }], next_cursor: null }),
      ),
      on('PATCH', `/api/v1/migrations/${MID}/tracks/t8`, (call) => json({ ...twins, decided_by: 'choice' in (call.body as object) ? 'user' : 'skipped' })),
      on('POST', `/api/v1/migrations/${MID}/apply`, () => {
        current = migration({
          status: 'done',
          counts: { ...current.counts, written: 8 },
          finished_at: '2026-12-01T10:05:00Z',
          playlists: [{ id: 'mp1', source_id: 'sp1', name: 'Road trip', target_id: 'tp1', target_url: 'https://tidal.example/playlist/tp1', tracks: 10 }],
        });
        return json(current);
      }),
      startsWith('GET', '/api/v1/jobs/events', () => json({}, 200)),
    );
    renderApp(<MigrationPage />, { tokens: signedIn(), route: `/migrations/${MID}`, path: '/migrations/:id' });
    const review = await screen.findByRole('list', { name: 'To review' });
    const row = within(review).getByRole('listitem', { name: 'Review Paper Moon — Odd Echo' });
    expect(row).toHaveTextContent('Close, but not sure enough to take without asking.');
    expect(row).toHaveTextContent('Paper Moon (Deluxe) · 3:45 · 92%');
    expect(screen.getByTestId('undecided')).toHaveTextContent('1 still undecided');
    await userEvent.click(within(row).getByRole('radio', { name: /Night Songs/ }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ choice: 'td2' }));
    await waitFor(() => expect(screen.queryByTestId('undecided')).not.toBeInTheDocument());
    await userEvent.click(within(row).getByRole('radio', { name: 'Skip this track' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')[1]?.body).toEqual({ skip: true }));
    await userEvent.click(within(row).getByRole('radio', { name: /Night Songs/ }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(3));

    await userEvent.click(screen.getByRole('button', { name: 'Apply: write to TIDAL' }));
    expect(await screen.findByText('Done: 8 of 10 tracks written to TIDAL.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open on TIDAL' })).toHaveAttribute('href', 'https://tidal.example/playlist/tp1');
    expect(screen.queryByRole('list', { name: 'To review' })).not.toBeInTheDocument();
    const report = await screen.findByRole('list', { name: 'Report' });
    await waitFor(() => expect(within(report).getAllByTestId('report-row')).toHaveLength(2));
    expect(report).toHaveTextContent('ISRC');
    expect(report).toHaveTextContent('your choice');
    expect(report).toHaveTextContent('written');

    await userEvent.click(screen.getByRole('tab', { name: /Not found/ }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Report' })).getByText('Only another version is in the catalog.')).toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Keep “Road trip” in sync' })).toBeInTheDocument();
  });

  it('shows why a migration failed', async () => {
    mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', `/api/v1/migrations/${MID}`, () => json(migration({ status: 'failed', error: 'TIDAL refused the playlist: quota' }))),
      startsWith('GET', `/api/v1/migrations/${MID}/tracks`, () => json({ items: [], next_cursor: null })),
    );
    renderApp(<MigrationPage />, { tokens: signedIn(), route: `/migrations/${MID}`, path: '/migrations/:id' });
    expect(await screen.findByRole('alert')).toHaveTextContent('TIDAL refused the playlist: quota');
  });
});

describe('MigrationsPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists past migrations and the sync pairs, which run now, pause and delete', async () => {
    vi.stubGlobal('confirm', () => true);
    const pair = {
      id: 'sp-1',
      name: 'Road trip',
      source: { kind: 'service', service: 'spotify', playlist_id: 'sp1' },
      target: { kind: 'service', service: 'tidal', playlist_id: 'tp1' },
      mode: 'one_way',
      removals: false,
      interval_minutes: 360,
      enabled: true,
      next_run_at: '2026-12-01T16:00:00Z',
      last_run_at: '2026-12-01T10:00:00Z',
      last_result: { snapshot: 's', runs: [{ migration: MID, status: 'done', written: 8, tracks: 10 }] },
      created_at: '2026-12-01T10:00:00Z',
    };
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(connections)),
      on('GET', '/api/v1/sync-pairs', () => json({ items: [pair] })),
      startsWith('GET', '/api/v1/migrations', () => json({ items: [{ ...migration({ status: 'done' }) }], next_cursor: null })),
      on('POST', '/api/v1/sync-pairs/sp-1/run', () => json(pair)),
      on('PATCH', '/api/v1/sync-pairs/sp-1', () => json({ ...pair, enabled: false })),
      on('DELETE', '/api/v1/sync-pairs/sp-1', () => new Response(null, { status: 204 })),
    );
    renderApp(<MigrationsPage />, { tokens: signedIn(), route: '/migrations' });
    const past = await screen.findByRole('list', { name: 'Past migrations' });
    expect(within(past).getByRole('link')).toHaveAttribute('href', `/migrations/${MID}`);
    expect(past).toHaveTextContent('Spotify → TIDAL');
    const row = within(await screen.findByRole('list', { name: 'Sync pairs' })).getByRole('listitem', { name: 'Road trip' });
    expect(row).toHaveTextContent('8 of 10 tracks synced');
    await userEvent.click(within(row).getByRole('button', { name: 'Run now' }));
    await userEvent.click(within(row).getByRole('button', { name: 'Pause' }));
    await userEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ enabled: false });
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/run'))).toBe(true);
  });
});
