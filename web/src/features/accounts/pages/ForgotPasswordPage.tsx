import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { AuthLayout } from '../../../shell/AuthLayout';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { useForgotPassword } from '../api';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const mutation = useForgotPassword();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate(email.trim());
  };

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email on your account and we'll send you a reset link."
      footer={
        <Link to="/signin" className="font-medium text-accent-400 hover:underline">
          Back to sign in
        </Link>
      }
    >
      {mutation.isSuccess ? (
        <Notice>If an account exists for {email.trim()}, a reset link is on its way. Check your inbox.</Notice>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <TextField label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <ErrorAlert error={mutation.error} />
          <Button type="submit" className="w-full" busy={mutation.isPending} disabled={!email.trim()}>
            {mutation.isPending ? 'Sending…' : 'Send reset link'}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
