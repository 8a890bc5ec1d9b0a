import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppRoutes } from './App';
import { json, makeTokens, mockFetch, on, problem, renderApp, tokenPair, testUser } from './test/utils';

describe('app routes and shell', () => {
  it('sends signed-out visitors to /signin', async () => {
    mockFetch(on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session')));
    renderApp(<AppRoutes />, { route: '/account' });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/signin');
  });

  it('restores the session from the refresh cookie on start', async () => {
    const { calls } = mockFetch(on('POST', '/api/v1/auth/refresh', () => json(tokenPair('restored'))));
    const { tokens } = renderApp(<AppRoutes />, { route: '/' });
    expect(await screen.findByRole('heading', { name: /Welcome, Ada Lovelace/ })).toBeInTheDocument();
    expect(tokens.getAccessToken()).toBe('restored');
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it("renders the nav built from the features' routes and an idle player bar", async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch();
    renderApp(<AppRoutes />, { route: '/', tokens });
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((a) => a.textContent)).toEqual(['Home', 'Library', 'Albums', 'Artists', 'Genres', 'Search', 'Playlists', 'Migrate', 'Loves', 'History', 'Upload', 'Connections', 'Account']);
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['/', '/library', '/albums', '/artists', '/genres', '/search', '/playlists', '/migrate', '/loves', '/history', '/upload', '/connections', '/account']);
    expect(within(screen.getByRole('navigation', { name: 'Main mobile' })).getAllByRole('link').map((a) => a.textContent)).toEqual(links.map((a) => a.textContent));
    const bar = screen.getByTestId('player-bar');
    expect(bar).toHaveTextContent('Nothing playing');
    expect(within(bar).queryByRole('button', { name: 'Play' })).not.toBeInTheDocument();
  });

  it('signs out from the user menu', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch(on('POST', '/api/v1/auth/logout', () => new Response(null, { status: 204 })));
    renderApp(<AppRoutes />, { route: '/', tokens });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'User menu' }));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([expect.objectContaining({ method: 'POST', path: '/api/v1/auth/logout', auth: 'Bearer tok' })]);
    expect(tokens.getAccessToken()).toBeNull();
  });

  it('saves only the changed profile fields', async () => {
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch(
      on('GET', '/api/v1/me', () => json(testUser)),
      on('GET', '/api/v1/auth/sessions', () => json({ items: [], next_cursor: null })),
      on('PATCH', '/api/v1/me', (call) => json({ ...testUser, ...(call.body as object) })),
    );
    renderApp(<AppRoutes />, { route: '/account', tokens });
    const user = userEvent.setup();
    const bio = await screen.findByLabelText('Bio');
    await user.type(bio, 'Analytical engines & synths');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Profile saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ bio: 'Analytical engines & synths' });
    expect(tokens.getSnapshot().user?.bio).toBe('Analytical engines & synths');
  });
});
