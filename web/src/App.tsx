import { Route, Routes } from 'react-router';
import { RedirectIfAuthenticated, RequireAuth } from './auth/guards';
import { AppShell } from './shell/AppShell';
import { PlayerProvider } from './player/PlayerContext';
import { AccountPage } from './features/accounts/pages/AccountPage';
import { AlbumPage } from './features/library/pages/AlbumPage';
import { AlbumsPage } from './features/library/pages/AlbumsPage';
import { ArtistPage } from './features/library/pages/ArtistPage';
import { ArtistsPage } from './features/library/pages/ArtistsPage';
import { ForgotPasswordPage } from './features/accounts/pages/ForgotPasswordPage';
import { HistoryPage } from './features/listening/pages/HistoryPage';
import { HomePage } from './features/library/pages/HomePage';
import { LovesPage } from './features/listening/pages/LovesPage';
import { NotFoundPage } from './shell/NotFoundPage';
import { ResetPasswordPage } from './features/accounts/pages/ResetPasswordPage';
import { SearchPage } from './features/search/pages/SearchPage';
import { SignInPage } from './features/accounts/pages/SignInPage';
import { SignUpPage } from './features/accounts/pages/SignUpPage';
import { TrackPage } from './features/library/pages/TrackPage';
import { TracksPage } from './features/library/pages/TracksPage';
import { UploadPage } from './features/library/pages/UploadPage';
import { VerifyEmailPage } from './features/accounts/pages/VerifyEmailPage';

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
