import { useState, type FormEvent } from 'react';
import { Button } from '../../../ui/Button';
import { Card } from '../../../ui/Card';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { useChangePassword } from '../api';
import { NewPasswordField, passwordPolicyMessage } from './NewPasswordField';

export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const mutation = useChangePassword({
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
    },
  });

  const passwordError = passwordPolicyMessage(mutation.error);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (next.length < 8) return setLocalError('New password must be at least 8 characters.');
    if (next !== confirm) return setLocalError('The new passwords do not match.');
    setLocalError(null);
    mutation.mutate({ current_password: current, new_password: next });
  };

  return (
    <Card title="Password" description="Changing your password signs out all your other sessions.">
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <TextField className="sm:col-span-2" label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        <NewPasswordField
          label="New password"
          hint="At least 8 characters; not a commonly used password."
          error={passwordError}
          value={next}
          onChange={(e) => {
            setNext(e.target.value);
            if (passwordError) mutation.reset();
          }}
        />
        <TextField label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        <div className="space-y-3 sm:col-span-2">
          {localError ? (
            <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
              {localError}
            </div>
          ) : (
            <ErrorAlert error={passwordError ? null : mutation.error} />
          )}
          {mutation.isSuccess && <Notice>Password changed. Your other sessions were signed out.</Notice>}
          <Button type="submit" busy={mutation.isPending} disabled={!current || !next || !confirm}>
            {mutation.isPending ? 'Changing…' : 'Change password'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
