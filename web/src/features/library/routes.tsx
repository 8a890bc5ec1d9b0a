import type { Feature } from '../../shell/feature';
import { AlbumIcon, HomeIcon, LibraryIcon, MicIcon, UploadIcon } from '../../ui/icons';
import { AlbumPage } from './pages/AlbumPage';
import { AlbumsPage } from './pages/AlbumsPage';
import { ArtistPage } from './pages/ArtistPage';
import { ArtistsPage } from './pages/ArtistsPage';
import { HomePage } from './pages/HomePage';
import { TrackPage } from './pages/TrackPage';
import { TracksPage } from './pages/TracksPage';
import { UploadPage } from './pages/UploadPage';
import { UploadsProvider } from './uploads/UploadsContext';

export const library: Feature = {
  name: 'library',
  provider: UploadsProvider,
  routes: [
    { path: '/', element: <HomePage />, auth: 'required', nav: { label: 'Home', icon: HomeIcon, order: 0 } },
    { path: '/library', element: <TracksPage />, auth: 'required', nav: { label: 'Library', icon: LibraryIcon, order: 10 } },
    { path: '/tracks/:id', element: <TrackPage />, auth: 'required' },
    { path: '/albums', element: <AlbumsPage />, auth: 'required', nav: { label: 'Albums', icon: AlbumIcon, order: 20 } },
    { path: '/albums/:id', element: <AlbumPage />, auth: 'required' },
    { path: '/artists', element: <ArtistsPage />, auth: 'required', nav: { label: 'Artists', icon: MicIcon, order: 30 } },
    { path: '/artists/:id', element: <ArtistPage />, auth: 'required' },
    { path: '/upload', element: <UploadPage />, auth: 'required', nav: { label: 'Upload', icon: UploadIcon, order: 70 } },
  ],
};
