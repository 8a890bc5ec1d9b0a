import { Route, Routes } from 'react-router';
import { RedirectIfAuthenticated, RequireAuth } from './auth/guards';
import { AppShell } from './shell/AppShell';
import { PlayerProvider } from './player/PlayerContext';
import { AccountPage } from './pages/AccountPage';
import { AlbumPage } from './pages/AlbumPage';
import { AlbumsPage } from './pages/AlbumsPage';
import { ArtistPage } from './pages/ArtistPage';
import { ArtistsPage } from './pages/ArtistsPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { HistoryPage } from './pages/HistoryPage';
import { HomePage } from './pages/HomePage';
import { LovesPage } from './pages/LovesPage';
import { NotFoundPage } from './shell/NotFoundPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SearchPage } from './pages/SearchPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { TrackPage } from './pages/TrackPage';
import { TracksPage } from './pages/TracksPage';
import { UploadPage } from './pages/UploadPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/signin" element={<RedirectIfAuthenticated><SignInPage /></RedirectIfAuthenticated>} />
      <Route path="/signup" element={<RedirectIfAuthenticated><SignUpPage /></RedirectIfAuthenticated>} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/verify-email" element={<VerifyEmailPage />} />
      {/* The player (and its <audio>) sits above the routed pages, so playback survives navigation. */}
      <Route element={<RequireAuth><PlayerProvider><AppShell /></PlayerProvider></RequireAuth>}>
        <Route index element={<HomePage />} />
        <Route path="library" element={<TracksPage />} />
        <Route path="tracks/:id" element={<TrackPage />} />
        <Route path="albums" element={<AlbumsPage />} />
        <Route path="albums/:id" element={<AlbumPage />} />
        <Route path="artists" element={<ArtistsPage />} />
        <Route path="artists/:id" element={<ArtistPage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="loves" element={<LovesPage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="upload" element={<UploadPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
