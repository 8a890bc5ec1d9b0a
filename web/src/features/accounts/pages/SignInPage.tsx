import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../../auth/AuthContext';
import { useReturnTo } from '../../../auth/guards';
import { AuthLayout } from '../../../shell/AuthLayout';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { useLogin, useRequestOtp, useVerifyOtp } from '../api';

type Tab = 'password' | 'phone';

export function SignInPage() {
  const [tab, setTab] = useState<Tab>('password');
  const tabs: Array<{ id: Tab; label: string }> = [
    { id: 'password', label: 'Password' },
    { id: 'phone', label: 'Phone code' },
  ];

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = tab === 'password' ? 'phone' : 'password';
    setTab(next);
    document.getElementById(`signin-tab-${next}`)?.focus();
  };

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Pick up where the needle left off."
      footer={
        <>
          New to Tonearm?{' '}
          <Link to="/signup" className="font-medium text-accent-400 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <div role="tablist" aria-label="Sign-in method" className="mb-6 grid grid-cols-2 gap-1 rounded-lg bg-neutral-950 p-1" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`signin-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`signin-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
              tab === t.id ? 'bg-neutral-800 text-white' : 'text-neutral-400 hover:text-white'
            }`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`signin-panel-${tab}`}>
        {tab === 'password' ? <PasswordSignIn /> : <PhoneSignIn />}
      </div>
    </AuthLayout>
  );
}

function PasswordSignIn() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');

  const mutation = useLogin({
    onSuccess: (pair) => {
      signIn(pair);
      navigate(returnTo, { replace: true });
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ login: login.trim(), password });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label="Email or username" name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      <ErrorAlert error={mutation.error} />
      <Button type="submit" className="w-full" busy={mutation.isPending} disabled={!login.trim() || !password}>
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className="text-center text-sm">
        <Link to="/forgot-password" className="text-neutral-400 hover:text-white hover:underline">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}

export const E164 = /^\+[1-9]\d{6,14}$/;

/** Accept "+1 (555) 123-4567" style input and normalise to E.164. */
export function normalisePhone(input: string): string {
  const trimmed = input.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits ? `+${digits}` : '';
}

function PhoneSignIn() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [expiresIn, setExpiresIn] = useState<number | null>(null);
  const normalised = normalisePhone(phone);
  const phoneValid = E164.test(normalised);

  const request = useRequestOtp({
    onSuccess: (data, target) => {
      setSentTo(target);
      setExpiresIn(data?.expires_in ?? null);
      setCode('');
    },
  });

  const verify = useVerifyOtp({
    onSuccess: (pair) => {
      signIn(pair);
      navigate(returnTo, { replace: true });
    },
  });

  if (sentTo === null) {
    return (
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (phoneValid) request.mutate(normalised);
        }}
      >
        <TextField
          label="Phone number"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder="+15551234567"
          hint="International format with country code, e.g. +15551234567. We'll text you a 6-digit code."
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <ErrorAlert error={request.error} />
        <Button type="submit" className="w-full" busy={request.isPending} disabled={!phoneValid}>
          {request.isPending ? 'Sending…' : 'Send code'}
        </Button>
      </form>
    );
  }

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (/^\d{6}$/.test(code)) verify.mutate({ phone: sentTo ?? normalised, code });
      }}
    >
      <Notice>
        We sent a code to <strong>{sentTo}</strong>
        {expiresIn ? `. It expires in ${Math.max(1, Math.round(expiresIn / 60))} min.` : '.'}
      </Notice>
      <TextField
        label="6-digit code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
        autoFocus
      />
      <ErrorAlert error={verify.error ?? request.error} />
      <Button type="submit" className="w-full" busy={verify.isPending} disabled={code.length !== 6}>
        {verify.isPending ? 'Verifying…' : 'Verify and sign in'}
      </Button>
      <div className="flex justify-between text-sm">
        <button
          type="button"
          className="text-neutral-400 hover:text-white hover:underline"
          onClick={() => {
            setSentTo(null);
            verify.reset();
            request.reset();
          }}
        >
          Use a different number
        </button>
        <button type="button" className="text-neutral-400 hover:text-white hover:underline disabled:opacity-50" disabled={request.isPending} onClick={() => request.mutate(sentTo)}>
          Resend code
        </button>
      </div>
    </form>
  );
}
