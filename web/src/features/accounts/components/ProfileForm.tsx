import { useEffect, useState, type FormEvent } from 'react';
import type { ProfilePatch, User } from '../../../api/types';
import { Button } from '../../../ui/Button';
import { Card } from '../../../ui/Card';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextAreaField, TextField } from '../../../ui/fields';
import { useMe, useUpdateProfile } from '../api';

interface Draft {
  display_name: string;
  bio: string;
  username: string;
  email: string;
}

function toDraft(u: User): Draft {
  return { display_name: u.display_name ?? '', bio: u.bio ?? '', username: u.username, email: u.email ?? '' };
}

/** Only the fields that changed; empty display name/bio clear the value. */
export function diffProfile(user: User, draft: Draft): ProfilePatch {
  const patch: ProfilePatch = {};
  const dn = draft.display_name.trim();
  if (dn !== (user.display_name ?? '')) patch.display_name = dn || null;
  const bio = draft.bio.trim();
  if (bio !== (user.bio ?? '')) patch.bio = bio || null;
  const un = draft.username.trim();
  if (un && un !== user.username) patch.username = un;
  const em = draft.email.trim();
  if (em && em !== (user.email ?? '')) patch.email = em;
  return patch;
}

export function ProfileForm() {
  const me = useMe();
  const user = me.data;
  const [draft, setDraft] = useState<Draft | null>(user ? toDraft(user) : null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (user && draft === null) setDraft(toDraft(user));
  }, [user, draft]);

  const mutation = useUpdateProfile({
    onSuccess: (updated, patch) => {
      setDraft(toDraft(updated));
      setMessage(
        patch.email ? `Profile saved. We sent a verification link to ${updated.email ?? patch.email}.` : 'Profile saved.',
      );
    },
  });

  if (!user || !draft) {
    return (
      <Card title="Profile">
        {me.isError ? <ErrorAlert error={me.error} /> : <p role="status">Loading…</p>}
      </Card>
    );
  }

  const patch = diffProfile(user, draft);
  const dirty = Object.keys(patch).length > 0;
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => {
    setMessage(null);
    setDraft({ ...draft, [k]: e.target.value });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) mutation.mutate(patch);
  };

  return (
    <Card title="Profile" description="How you appear to others on Tonearm.">
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <TextField label="Display name" name="display_name" autoComplete="name" maxLength={100} value={draft.display_name} onChange={set('display_name')} />
        <TextField label="Username" name="username" autoComplete="username" minLength={3} maxLength={40} value={draft.username} onChange={set('username')} />
        <TextField
          className="sm:col-span-2"
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={draft.email}
          onChange={set('email')}
          hint={user.email ? (user.email_verified ? 'Verified.' : 'Not verified yet: check your inbox for the link.') : undefined}
        />
        <TextAreaField className="sm:col-span-2" label="Bio" name="bio" maxLength={2000} value={draft.bio} onChange={set('bio')} />
        <div className="space-y-3 sm:col-span-2">
          <ErrorAlert error={mutation.error} />
          {message && <Notice>{message}</Notice>}
          <div className="flex gap-2">
            <Button type="submit" busy={mutation.isPending} disabled={!dirty}>
              {mutation.isPending ? 'Saving…' : 'Save profile'}
            </Button>
            {dirty && (
              <Button variant="ghost" onClick={() => setDraft(toDraft(user))}>
                Reset
              </Button>
            )}
          </div>
        </div>
      </form>
    </Card>
  );
}
