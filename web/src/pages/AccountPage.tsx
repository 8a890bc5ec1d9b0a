import { PasswordForm } from '../features/account/PasswordForm';
import { ProfileForm } from '../features/account/ProfileForm';
import { SessionsList } from '../features/account/SessionsList';

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
