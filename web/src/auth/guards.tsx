import type { ReactNode } from 'react';
import { Navigate, useLocation, type Location } from 'react-router';
import { useAuth } from './AuthContext';
import { Splash } from '../ui/Splash';

/** Where to go after signing in: back to the page that sent the user to /signin. */
export function useReturnTo(): string {
  const location = useLocation();
  const from = (location.state as { from?: Location } | null)?.from;
  if (!from || from.pathname.startsWith('/signin') || from.pathname.startsWith('/signup')) return '/';
  return `${from.pathname}${from.search}${from.hash}`;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Splash />;
  if (status === 'anonymous') return <Navigate to="/signin" replace state={{ from: location }} />;
  return <>{children}</>;
}

/** Pages for signed-out users (sign in/up): a signed-in user is sent on to the app. */
export function RedirectIfAuthenticated({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const returnTo = useReturnTo();
  if (status === 'loading') return <Splash />;
  if (status === 'authenticated') return <Navigate to={returnTo} replace />;
  return <>{children}</>;
}
