import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../../auth/AuthContext';
import { AuthLayout } from '../../../shell/AuthLayout';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { useRegister } from '../api';
import { NewPasswordField, passwordPolicyMessage } from '../components/NewPasswordField';

export function SignUpPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const mutation = useRegister({
    onSuccess: (pair) => {
      signIn(pair);
      navigate('/', { replace: true });
    },
  });

  const passwordError = passwordPolicyMessage(mutation.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 8) {
      setLocalError('Password must be at least 8 characters.');
      return;
    }
    setLocalError(null);
    mutation.mutate({ email: email.trim(), username: username.trim(), password });
  };

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Your library, your server, your music."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/signin" className="font-medium text-accent-400 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          minLength={3}
          maxLength={40}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <NewPasswordField
          label="Password"
          name="password"
          required
          minLength={8}
          hint="At least 8 characters; not a commonly used password."
          error={passwordError}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            if (passwordError) mutation.reset();
          }}
        />
        {localError ? (
          <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
            {localError}
          </div>
        ) : (
          <ErrorAlert error={passwordError ? null : mutation.error} />
        )}
        <Button type="submit" className="w-full" busy={mutation.isPending} disabled={!email.trim() || !username.trim() || !password}>
          {mutation.isPending ? 'Creating account…' : 'Create account'}
        </Button>
      </form>
    </AuthLayout>
  );
}
