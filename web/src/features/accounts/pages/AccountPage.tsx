import { Link } from 'react-router';
import { Card } from '../../../ui/Card';
import { PasswordForm } from '../components/PasswordForm';
import { ProfileForm } from '../components/ProfileForm';
import { SessionsList } from '../components/SessionsList';

export function AccountPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight text-white">Account</h1>
      <ProfileForm />
      <PasswordForm />
      <Card title="Connected services" description="Spotify, TIDAL, ListenBrainz and others: connect them to move playlists and scrobble.">
        <Link to="/connections" className="inline-flex rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
          Manage connections
        </Link>
      </Card>
      <SessionsList />
    </div>
  );
}
