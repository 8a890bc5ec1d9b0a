import type { Feature } from '../../shell/feature';
import { SearchIcon } from '../../ui/icons';
import { SearchBox } from './components/SearchBox';
import { lazyPage } from '../../shell/lazyPage';

const SearchPage = lazyPage(() => import('./pages/SearchPage'), (m) => m.SearchPage);

export const search: Feature = {
  name: 'search',
  routes: [{ path: '/search', element: <SearchPage />, auth: 'required', nav: { label: 'Search', icon: SearchIcon, order: 40 } }],
  topBar: SearchBox,
};
