import { Suspense, type ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { RedirectIfAuthenticated, RequireAuth } from '../auth/guards';
import { PlayerProvider } from '../player/PlayerContext';
import { AppShell } from './AppShell';
import type { Feature, FeatureRoute } from './feature';
import { buildNav } from './nav';
import { NotFoundPage } from './NotFoundPage';

/** Pages are chunks of their own (lazyPage): nothing shows in the page's place while one loads. */
function suspended(element: ReactNode): ReactNode {
  return <Suspense fallback={null}>{element}</Suspense>;
}

/** A signed-in route, as a child of the shell's pathless layout route. */
function shellChild({ path, element }: FeatureRoute): RouteObject {
  const page = suspended(element);
  return path === '/' ? { index: true, element: page } : { path: path.replace(/^\//, ''), element: page };
}

/**
 * The app's routes from the features: guest and public pages on their own, everything that needs a
 * session inside the shell (nav built from the routes, top bar and player-bar slots from the
 * features) under one PlayerProvider, so playback survives navigation, and inside the features'
 * providers (state kept above the pages); unknown paths get the shell's 404.
 */
export function buildRoutes(features: readonly Feature[]): RouteObject[] {
  const routes = features.flatMap((f) => f.routes);
  const nav = buildNav(features);
  const topBar = features.flatMap((f) => (f.topBar ? [f.topBar] : []));
  const trackActions = features.flatMap((f) => (f.trackActions ? [f.trackActions] : []));
  const providers = features.flatMap((f) => (f.provider ? [f.provider] : []));
  const shell = providers.reduceRight<ReactNode>(
    (inner, Provider) => <Provider>{inner}</Provider>,
    <AppShell nav={nav} topBar={topBar} trackActions={trackActions} />,
  );
  return [
    ...routes
      .filter((r) => r.auth === 'guest')
      .map((r) => ({ path: r.path, element: <RedirectIfAuthenticated>{suspended(r.element)}</RedirectIfAuthenticated> })),
    ...routes.filter((r) => r.auth === 'none').map((r) => ({ path: r.path, element: suspended(r.element) })),
    {
      element: (
        <RequireAuth>
          <PlayerProvider>{shell}</PlayerProvider>
        </RequireAuth>
      ),
      children: [...routes.filter((r) => r.auth === 'required').map(shellChild), { path: '*', element: <NotFoundPage /> }],
    },
  ];
}
