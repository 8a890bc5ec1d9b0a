import type { Feature } from '../../shell/feature';
import { AlbumIcon, LibraryIcon, MicIcon, TagIcon, UploadIcon } from '../../ui/icons';
import { UploadsProvider } from './uploads/UploadsContext';
import { lazyPage } from '../../shell/lazyPage';

const AlbumPage = lazyPage(() => import('./pages/AlbumPage'), (m) => m.AlbumPage);
const AlbumsPage = lazyPage(() => import('./pages/AlbumsPage'), (m) => m.AlbumsPage);
const ArtistPage = lazyPage(() => import('./pages/ArtistPage'), (m) => m.ArtistPage);
const ArtistsPage = lazyPage(() => import('./pages/ArtistsPage'), (m) => m.ArtistsPage);
const GenrePage = lazyPage(() => import('./pages/GenrePage'), (m) => m.GenrePage);
const GenresPage = lazyPage(() => import('./pages/GenresPage'), (m) => m.GenresPage);
const TrackPage = lazyPage(() => import('./pages/TrackPage'), (m) => m.TrackPage);
const TracksPage = lazyPage(() => import('./pages/TracksPage'), (m) => m.TracksPage);
const UploadPage = lazyPage(() => import('./pages/UploadPage'), (m) => m.UploadPage);

export const library: Feature = {
  name: 'library',
  provider: UploadsProvider,
  routes: [
    { path: '/library', element: <TracksPage />, auth: 'required', nav: { label: 'Library', icon: LibraryIcon, order: 10 } },
    { path: '/tracks/:id', element: <TrackPage />, auth: 'required' },
    { path: '/albums', element: <AlbumsPage />, auth: 'required', nav: { label: 'Albums', icon: AlbumIcon, order: 20 } },
    { path: '/albums/:id', element: <AlbumPage />, auth: 'required' },
    { path: '/artists', element: <ArtistsPage />, auth: 'required', nav: { label: 'Artists', icon: MicIcon, order: 30 } },
    { path: '/artists/:id', element: <ArtistPage />, auth: 'required' },
    { path: '/genres', element: <GenresPage />, auth: 'required', nav: { label: 'Genres', icon: TagIcon, order: 35 } },
    { path: '/genres/:name', element: <GenrePage />, auth: 'required' },
    { path: '/upload', element: <UploadPage />, auth: 'required', nav: { label: 'Upload', icon: UploadIcon, order: 70 } },
  ],
};
