import type { ComponentType, ReactNode, SVGProps } from 'react';
import type { Track } from '../api/types';

/**
 * Who may open a route:
 * - `required`: signed-in users, inside the app shell (navigation, player); others go to /signin;
 * - `guest`: signed-out visitors only (sign in, sign up); a signed-in user is sent on into the app;
 * - `none`: anyone, as a page of its own without the shell (links from e-mails).
 */
export type RouteAuth = 'required' | 'guest' | 'none';

/** An entry in the main navigation (sidebar, and the phone's bottom bar). */
export interface NavMeta {
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Position in the navigation, lowest first. */
  order: number;
  /** Shown only to users with this role (the admin area). */
  role?: 'admin';
}

export interface FeatureRoute {
  /** Absolute path, e.g. `/albums/:id`; `/` is the home page. */
  path: string;
  element: ReactNode;
  auth: RouteAuth;
  /** Listed in the main navigation (only `auth: 'required'` routes without `:params`). */
  nav?: NavMeta;
}

/** What the shell shows in its top bar, between the logo and the user menu (e.g. the search box). */
export type TopBarItem = ComponentType<{ className?: string }>;

/** Buttons the player bar shows next to the playing track (e.g. love). */
export type TrackAction = ComponentType<{ track: Track; className?: string }>;

/** State a feature keeps above its pages for the signed-in session (e.g. uploads in progress). */
export type ShellProvider = ComponentType<{ children: ReactNode }>;

/** A feature (`features/<name>/`): its routes, and what it adds to the shell. */
export interface Feature {
  name: string;
  routes: FeatureRoute[];
  topBar?: TopBarItem;
  trackActions?: TrackAction;
  /** Wraps the signed-in shell, so its state outlives a page. */
  provider?: ShellProvider;
}
