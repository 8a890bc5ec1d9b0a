import type { Feature, NavMeta } from './feature';

export interface NavItem {
  to: string;
  label: string;
  icon: NavMeta['icon'];
  /** Match the path exactly (for "/"). */
  end?: boolean;
  /** Shown only to users with this role. */
  role?: 'admin';
}

/** The main navigation, built from the features' routes that carry `nav`, in `order`. */
export function buildNav(features: readonly Feature[]): NavItem[] {
  const entries = features.flatMap((f) =>
    f.routes.flatMap((route) => {
      if (!route.nav) return [];
      if (route.auth !== 'required' || route.path.includes(':')) {
        throw new Error(`${f.name}: ${route.path} cannot be in the navigation (only signed-in routes without parameters)`);
      }
      return [{ route, nav: route.nav }];
    }),
  );
  return entries
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.nav.order - b.nav.order || a.i - b.i)
    .map(({ route, nav }) => ({ to: route.path, label: nav.label, icon: nav.icon, ...(route.path === '/' ? { end: true } : {}), ...(nav.role ? { role: nav.role } : {}) }));
}

/** The items a user with `role` sees. */
export function navFor(items: NavItem[], role: string | undefined): NavItem[] {
  return items.filter((item) => !item.role || item.role === role);
}
