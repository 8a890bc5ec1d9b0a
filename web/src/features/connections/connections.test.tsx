import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Service, ServiceList } from '../../api/types';
import { json, makeTokens, mockFetch, on, problem, renderApp, tokenPair } from '../../test/utils';
import { browser } from './api';
import { ConnectionsPage } from './pages/ConnectionsPage';

function service(slug: string, overrides: Partial<Service> = {}): Service {
  return {
    slug,
    name: slug === 'tidal' ? 'TIDAL' : slug.charAt(0).toUpperCase() + slug.slice(1),
    kind: 'streaming',
    auth: 'oauth',
    capabilities: ['playlists_read', 'playlists_write', 'search'],
    configured: true,
    own_app_allowed: false,
    own_app_help: null,
    own_app_client_id: null,
    connection: null,
    ...overrides,
  };
}

const connection = (name: string, status: 'active' | 'reconnect' = 'active') => ({
  id: '00000000-0000-4000-8000-00000000c001',
  account_id: 'acc',
  account_name: name,
  status,
  connected_at: '2026-12-01T10:00:00Z',
  expires_at: null,
  scope: null,
  uses_own_app: false,
  last_error: status === 'reconnect' ? 'invalid_grant' : null,
});

function list(): ServiceList {
  return {
    items: [
      service('spotify', {
        own_app_allowed: true,
        own_app_help: 'Create an app at developer.spotify.com and add the redirect URI below.',
        connection: connection('Ann on Spotify'),
      }),
      service('tidal', { connection: connection('td-ann', 'reconnect') }),
      service('deezer', { configured: false }),
      service('listenbrainz', { name: 'ListenBrainz', kind: 'scrobbling', auth: 'token', capabilities: ['scrobble'] }),
      service('youtube', { name: 'YouTube Music' }),
    ],
    callback_urls: { spotify: 'https://music.example.com/api/v1/connections/spotify/callback' },
  };
}

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('ConnectionsPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('shows each service with its status, and the banner of a connection just made', async () => {
    mockFetch(on('GET', '/api/v1/connections', () => json(list())));
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections?connected=spotify' });
    expect(await screen.findByTestId('spotify-status')).toHaveTextContent('Connected as Ann on Spotify');
    expect(screen.getByTestId('tidal-status')).toHaveTextContent('Needs reconnecting');
    expect(screen.getByTestId('deezer-status')).toHaveTextContent('Not set up on this server');
    expect(screen.getByTestId('youtube-status')).toHaveTextContent('Not connected');
    expect(screen.getByRole('status')).toHaveTextContent('Connected to Spotify.');
    const tidal = screen.getByRole('listitem', { name: 'TIDAL' });
    expect(within(tidal).getByText('Last error: invalid_grant')).toBeInTheDocument();
    expect(within(tidal).getByRole('button', { name: 'Reconnect TIDAL' })).toBeInTheDocument();
    expect(within(screen.getByRole('listitem', { name: 'Deezer' })).queryByRole('button')).not.toBeInTheDocument();
  });

  it('says why a connection failed, from the callback\'s error code', async () => {
    mockFetch(on('GET', '/api/v1/connections', () => json(list())));
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections?service=tidal&error=oauth_denied' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not connect TIDAL.');
    expect(alert).toHaveTextContent('The service did not grant access.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/connections$/));
  });

  it('connects through the service: asks where to go, with the page to come back to', async () => {
    const go = vi.spyOn(browser, 'go').mockImplementation(() => {});
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(list())),
      on('POST', '/api/v1/connections/youtube/authorize', () => json({ url: 'https://accounts.example/authorize?x=1' })),
    );
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections' });
    await userEvent.click(await screen.findByRole('button', { name: 'Connect YouTube Music' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://accounts.example/authorize?x=1'));
    expect(calls.find((c) => c.path.endsWith('/authorize'))!.body).toEqual({ return_to: '/connections' });
  });

  it('connects ListenBrainz with a pasted token, and shows the problem when it is refused', async () => {
    let refused = true;
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(list())),
      on('POST', '/api/v1/connections/listenbrainz/token', () =>
        refused ? problem(400, 'Token refused', 'ListenBrainz does not know this token.') : json(connection('ann'), 201),
      ),
    );
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections' });
    const card = await screen.findByRole('listitem', { name: 'ListenBrainz' });
    await userEvent.type(within(card).getByLabelText('ListenBrainz user token'), 'not-a-token');
    await userEvent.click(within(card).getByRole('button', { name: 'Connect ListenBrainz' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('ListenBrainz does not know this token.');
    refused = false;
    await userEvent.click(within(card).getByRole('button', { name: 'Connect ListenBrainz' }));
    await waitFor(() => expect(calls.filter((c) => c.path.endsWith('/token'))).toHaveLength(2));
    expect(calls.filter((c) => c.path.endsWith('/token'))[1]!.body).toEqual({ token: 'not-a-token' });
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/v1/connections').length).toBeGreaterThan(1));
  });

  it('takes the user\'s own Spotify app, with the help text and the callback URL to register', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(list())),
      on('PUT', '/api/v1/connections/spotify/app', () => new Response(null, { status: 204 })),
    );
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections' });
    const card = await screen.findByRole('listitem', { name: 'Spotify' });
    await userEvent.click(within(card).getByText('Use your own Spotify app'));
    expect(within(card).getByText(/developer.spotify.com/)).toBeInTheDocument();
    expect(within(card).getByTestId('spotify-callback-url')).toHaveTextContent('https://music.example.com/api/v1/connections/spotify/callback');
    await userEvent.type(within(card).getByLabelText('Client ID'), 'abcdef0123456789');
    await userEvent.click(within(card).getByRole('button', { name: 'Save app' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ client_id: 'abcdef0123456789' }));
    expect(await within(card).findByText('Saved. Connect again to use it.')).toBeInTheDocument();
  });

  it('disconnects', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/connections', () => json(list())),
      on('DELETE', '/api/v1/connections/spotify', () => json({ revoked: true })),
    );
    renderApp(<ConnectionsPage />, { tokens: signedIn(), route: '/connections' });
    const card = await screen.findByRole('listitem', { name: 'Spotify' });
    await userEvent.click(within(card).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
  });
});
