import { Link } from 'react-router';
import { useAuth } from '../../../auth/AuthContext';
import { ResendVerification } from '../../accounts/components/ResendVerification';

function greeting(now = new Date()): string {
  const h = now.getHours();
  if (h < 5) return 'Late-night listening';
  if (h < 12) return 'Good morning';
  if (h < 18) return 'Good afternoon';
  return 'Good evening';
}

export function HomePage() {
  const { user } = useAuth();
  if (!user) return null;
  const name = user.display_name || user.username;
  return (
    <div className="space-y-6">
      <section className="overflow-hidden rounded-2xl border border-neutral-800 bg-gradient-to-br from-accent-600/25 via-neutral-900 to-neutral-950 p-6 sm:p-10">
        <p className="text-sm uppercase tracking-widest text-accent-300">{greeting()}</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight text-white sm:text-4xl">Welcome, {name}</h1>
        <p className="mt-3 max-w-xl text-neutral-300">
          This is your Tonearm. Your library, playlists and discoveries will show up here as they arrive.
        </p>
      </section>
      {user.email && !user.email_verified && (
        <div role="status" className="rounded-xl border border-amber-900/60 bg-amber-950/30 px-4 py-3 text-sm text-amber-200">
          Please verify {user.email}: we sent you a link. <ResendVerification /> or change your address on the{' '}
          <Link to="/account" className="underline">
            account page
          </Link>
          .
        </div>
      )}
    </div>
  );
}
