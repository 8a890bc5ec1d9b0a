import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useAuth } from '../../../auth/AuthContext';
import { AuthLayout } from '../../../shell/AuthLayout';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { useVerifyEmail } from '../api';

export function VerifyEmailPage() {
  const { status } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const sent = useRef(false);

  const mutation = useVerifyEmail();

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutation.mutate(token);
  }, [token, mutation]);

  const next = status === 'authenticated' ? { to: '/', label: 'Go to Tonearm' } : { to: '/signin', label: 'Sign in' };

  return (
    <AuthLayout
      title="Verify your email"
      footer={
        <Link to={next.to} className="font-medium text-accent-400 hover:underline">
          {next.label}
        </Link>
      }
    >
      {!token ? (
        <div role="alert" className="text-sm text-red-200">
          This link is missing its token. Open the link from your email again.
        </div>
      ) : mutation.isSuccess ? (
        <Notice>Your email address is verified. Thanks!</Notice>
      ) : mutation.isError ? (
        <ErrorAlert error={mutation.error} />
      ) : (
        <p role="status" className="text-sm text-neutral-400">
          Verifying…
        </p>
      )}
    </AuthLayout>
  );
}
