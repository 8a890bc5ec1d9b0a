import type { Feature } from '../../shell/feature';
import { lazyPage } from '../../shell/lazyPage';
import { PlaylistIcon } from '../../ui/icons';
import { AddToPlaylistButton } from './components/AddToPlaylist';

const PlaylistsPage = lazyPage(() => import('./pages/PlaylistsPage'), (m) => m.PlaylistsPage);
const ImportPage = lazyPage(() => import('./pages/ImportPage'), (m) => m.ImportPage);
const PlaylistPage = lazyPage(() => import('./pages/PlaylistPage'), (m) => m.PlaylistPage);
const NewSmartPlaylistPage = lazyPage(() => import('./pages/NewSmartPlaylistPage'), (m) => m.NewSmartPlaylistPage);

export const playlists: Feature = {
  name: 'playlists',
  routes: [
    { path: '/playlists', element: <PlaylistsPage />, auth: 'required', nav: { label: 'Playlists', icon: PlaylistIcon, order: 45 } },
    { path: '/playlists/import', element: <ImportPage />, auth: 'required' },
    { path: '/playlists/smart/new', element: <NewSmartPlaylistPage />, auth: 'required' },
    { path: '/playlists/:id', element: <PlaylistPage />, auth: 'required' },
  ],
  trackActions: AddToPlaylistButton,
};
