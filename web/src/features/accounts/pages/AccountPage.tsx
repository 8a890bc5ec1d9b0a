import { PasswordForm } from '../components/PasswordForm';
import { ProfileForm } from '../components/ProfileForm';
import { SessionsList } from '../components/SessionsList';

export function AccountPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight text-white">Account</h1>
      <ProfileForm />
      <PasswordForm />
      <SessionsList />
    </div>
  );
}
