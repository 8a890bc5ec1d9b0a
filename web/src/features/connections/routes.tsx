import type { Feature } from '../../shell/feature';
import { lazyPage } from '../../shell/lazyPage';
import { LinkIcon } from '../../ui/icons';

const ConnectionsPage = lazyPage(() => import('./pages/ConnectionsPage'), (m) => m.ConnectionsPage);

/** Streaming, scrobbling and metadata services linked to the account. */
export const connections: Feature = {
  name: 'connections',
  routes: [{ path: '/connections', element: <ConnectionsPage />, auth: 'required', nav: { label: 'Connections', icon: LinkIcon, order: 70 } }],
};
