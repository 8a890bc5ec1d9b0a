import type { Feature } from '../../shell/feature';
import { ClockIcon, HeartIcon } from '../../ui/icons';
import { LoveButton } from './components/LoveButton';
import { lazyPage } from '../../shell/lazyPage';

const HistoryPage = lazyPage(() => import('./pages/HistoryPage'), (m) => m.HistoryPage);
const LovesPage = lazyPage(() => import('./pages/LovesPage'), (m) => m.LovesPage);

export const listening: Feature = {
  name: 'listening',
  routes: [
    { path: '/loves', element: <LovesPage />, auth: 'required', nav: { label: 'Loves', icon: HeartIcon, order: 50 } },
    { path: '/history', element: <HistoryPage />, auth: 'required', nav: { label: 'History', icon: ClockIcon, order: 60 } },
  ],
  trackActions: LoveButton,
};
