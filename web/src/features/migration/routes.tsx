import type { Feature } from '../../shell/feature';
import { lazyPage } from '../../shell/lazyPage';
import { MigrateIcon } from '../../ui/icons';

const MigratePage = lazyPage(() => import('./pages/MigratePage'), (m) => m.MigratePage);
const MigrationsPage = lazyPage(() => import('./pages/MigrationsPage'), (m) => m.MigrationsPage);
const MigrationPage = lazyPage(() => import('./pages/MigrationPage'), (m) => m.MigrationPage);

/** Moving playlists between services and the library, and keeping them in sync. */
export const migration: Feature = {
  name: 'migration',
  routes: [
    { path: '/migrate', element: <MigratePage />, auth: 'required', nav: { label: 'Migrate', icon: MigrateIcon, order: 47 } },
    { path: '/migrations', element: <MigrationsPage />, auth: 'required' },
    { path: '/migrations/:id', element: <MigrationPage />, auth: 'required' },
  ],
};
