import type { Feature } from '../../shell/feature';
import { AlbumIcon, LibraryIcon, MicIcon, TagIcon, UploadIcon } from '../../ui/icons';
import { AlbumPage } from './pages/AlbumPage';
import { AlbumsPage } from './pages/AlbumsPage';
import { ArtistPage } from './pages/ArtistPage';
import { ArtistsPage } from './pages/ArtistsPage';
import { GenrePage } from './pages/GenrePage';
import { GenresPage } from './pages/GenresPage';
import { TrackPage } from './pages/TrackPage';
import { TracksPage } from './pages/TracksPage';
import { UploadPage } from './pages/UploadPage';
import { UploadsProvider } from './uploads/UploadsContext';

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
