import { isValidElement, lazy, type ComponentType, type ReactNode } from 'react';
import { matchPath } from 'react-router';
import type { Feature } from './feature';

/** A page loaded on demand (its own chunk), which can be asked to start loading early. */
export type LazyPage = ComponentType & { preload: () => Promise<unknown> };

/**
 * `lazyPage(() => import('./pages/AlbumPage'), (m) => m.AlbumPage)`: the page's code is a chunk of
 * its own, fetched when the route is first shown (or when `preload()` is called), so the first
 * load carries the shell and not every page of the app. The router wraps pages in Suspense.
 */
export function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): LazyPage {
  let loading: Promise<{ default: ComponentType }> | null = null;
  const start = () => (loading ??= load().then((m) => ({ default: pick(m) })));
  return Object.assign(lazy(start), { preload: start });
}

function preloadOf(element: ReactNode): (() => Promise<unknown>) | null {
  if (!isValidElement(element)) return null;
  const type = element.type as Partial<LazyPage>;
  return typeof type.preload === 'function' ? type.preload : null;
}

/**
 * Start fetching the chunk of the page at `pathname` now, beside the session refresh, rather than
 * after it (when the router first renders the page): one round trip less before the page shows.
 */
export function preloadRoute(features: readonly Feature[], pathname: string): void {
  for (const route of features.flatMap((f) => f.routes)) {
    if (matchPath({ path: route.path, end: true }, pathname)) {
      void preloadOf(route.element)?.()?.catch(() => {});
      return;
    }
  }
}
