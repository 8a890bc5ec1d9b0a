import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AuthLayout } from '../../../shell/AuthLayout';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { useResetPassword } from '../api';
import { NewPasswordField, passwordPolicyMessage } from '../components/NewPasswordField';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const mutation = useResetPassword();

  const passwordError = passwordPolicyMessage(mutation.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 8) return setLocalError('Password must be at least 8 characters.');
    if (password !== confirm) return setLocalError('The passwords do not match.');
    setLocalError(null);
    mutation.mutate({ token, password });
  };

  const footer = (
    <Link to="/signin" className="font-medium text-accent-400 hover:underline">
      Back to sign in
    </Link>
  );

  if (!token) {
    return (
      <AuthLayout title="Reset link is incomplete" footer={footer}>
        <div role="alert" className="text-sm text-red-200">
          This page needs the token from your reset email. Open the link from the email again, or{' '}
          <Link to="/forgot-password" className="text-accent-400 underline">
            request a new one
          </Link>
          .
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Choose a new password" footer={footer}>
      {mutation.isSuccess ? (
        <Notice>
          Your password has been changed.{' '}
          <Link to="/signin" className="underline">
            Sign in
          </Link>{' '}
          with your new password.
        </Notice>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <NewPasswordField
            label="New password"
            hint="At least 8 characters; not a commonly used password."
            error={passwordError}
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              if (passwordError) mutation.reset();
            }}
          />
          <TextField label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          {localError ? (
            <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
              {localError}
            </div>
          ) : (
            <ErrorAlert error={passwordError ? null : mutation.error} />
          )}
          <Button type="submit" className="w-full" busy={mutation.isPending} disabled={!password || !confirm}>
            {mutation.isPending ? 'Saving…' : 'Set new password'}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
