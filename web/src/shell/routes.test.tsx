import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { useRoutes } from 'react-router';
import { makeTokens, mockFetch, on, problem, renderApp, tokenPair } from '../test/utils';
import { HomeIcon } from '../ui/icons';
import type { Feature } from './feature';
import { buildRoutes } from './routes';

const demo: Feature = {
  name: 'demo',
  routes: [
    { path: '/', element: <h1>Demo home</h1>, auth: 'required', nav: { label: 'Demo', icon: HomeIcon, order: 1 } },
    { path: '/things/:id', element: <h1>A thing</h1>, auth: 'required' },
    { path: '/signin', element: <h1>Guest page</h1>, auth: 'guest' },
    { path: '/open', element: <h1>Open page</h1>, auth: 'none' },
  ],
  topBar: ({ className }) => <input aria-label="Demo top bar" className={className} />,
};
const routes = buildRoutes([demo]);
const Routes = () => useRoutes(routes);

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('buildRoutes', () => {
  it('puts signed-in routes in the shell with the nav and top bar from the features', async () => {
    mockFetch();
    renderApp(<Routes />, { route: '/things/1', tokens: signedIn() });
    expect(await screen.findByRole('heading', { name: 'A thing' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Demo' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('textbox', { name: 'Demo top bar' })).toBeInTheDocument();
    expect(screen.getByTestId('player-bar')).toBeInTheDocument();
  });

  it("answers unknown paths with the shell's not-found page", async () => {
    mockFetch();
    renderApp(<Routes />, { route: '/nowhere', tokens: signedIn() });
    expect(await screen.findByRole('heading', { name: 'Nothing playing here' })).toBeInTheDocument();
  });

  it('sends a signed-in user from a guest route into the app', async () => {
    mockFetch();
    renderApp(<Routes />, { route: '/signin', tokens: signedIn() });
    expect(await screen.findByRole('heading', { name: 'Demo home' })).toBeInTheDocument();
  });

  it('shows public routes without the shell and sends guests from signed-in routes to /signin', async () => {
    mockFetch(on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session')));
    const { unmount } = renderApp(<Routes />, { route: '/open' });
    expect(await screen.findByRole('heading', { name: 'Open page' })).toBeInTheDocument();
    expect(screen.queryByTestId('player-bar')).not.toBeInTheDocument();
    unmount();
    renderApp(<Routes />, { route: '/things/1' });
    expect(await screen.findByRole('heading', { name: 'Guest page' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/signin');
  });
});
