import type { Feature } from '../../shell/feature';
import { HomeIcon } from '../../ui/icons';
import { lazyPage } from '../../shell/lazyPage';

const HomePage = lazyPage(() => import('./HomePage'), (m) => m.HomePage);

/** The home page: what is new, recently and most played, loved; how to fill an empty library. */
export const home: Feature = {
  name: 'home',
  routes: [{ path: '/', element: <HomePage />, auth: 'required', nav: { label: 'Home', icon: HomeIcon, order: 0 } }],
};
