import { useState, type FormEvent } from 'react';
import { flattenPages } from '../../../api/infinite';
import { describeError, unwrap } from '../../../api/problem';
import { useAuth } from '../../../auth/AuthContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { LoadMoreSentinel } from '../../../ui/LoadMoreSentinel';
import { Loading, PageHeader } from '../../../ui/PageHeader';
import { useAdminUsers, useUserAction, type AdminUser } from '../api';
import { formatWhen } from '../components';

type Role = AdminUser['role'];
const ROLES: Role[] = ['listener', 'artist', 'admin'];

function CopyLink({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="mt-2 rounded-lg border border-emerald-900/60 bg-emerald-950/30 p-3 text-sm text-emerald-200">
      <p>Give this link to the user; it works once, for a limited time:</p>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-neutral-900 px-2 py-1 font-mono text-xs text-neutral-200">{url}</code>
        <Button
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

function NewUser() {
  const [form, setForm] = useState({ username: '', email: '', password: '', role: 'listener' as Role });
  const create = useUserAction(async (api, body: typeof form) =>
    unwrap(
      await api.POST('/api/v1/users', {
        body: { username: body.username, email: body.email || null, password: body.password || null, role: body.role },
      }),
    ),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form, { onSuccess: () => setForm({ username: '', email: '', password: '', role: 'listener' }) });
  };
  const created = create.data as { reset_link?: string | null; user: AdminUser } | undefined;
  return (
    <section aria-labelledby="new-user" className="rounded-xl border border-neutral-800 bg-neutral-900/50 p-4">
      <h2 id="new-user" className="mb-3 font-semibold text-white">
        New user
      </h2>
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <TextField label="Username" required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <TextField label="Email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="Leave empty to get a link the user opens to choose one"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        <label className="flex flex-col gap-1 text-sm text-neutral-300">
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-2 text-neutral-100">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <div className="sm:col-span-2 lg:col-span-4">
          <Button type="submit" busy={create.isPending}>
            Create user
          </Button>
        </div>
      </form>
      {create.isError && <ErrorAlert error={create.error} />}
      {create.isSuccess && created && (
        <p role="status" className="mt-2 text-sm text-emerald-300">
          Created {created.user.username}.
        </p>
      )}
      {created?.reset_link && <CopyLink url={created.reset_link} />}
    </section>
  );
}

function UserRow({ user, self }: { user: AdminUser; self: boolean }) {
  const { updateUser } = useAuth();
  const patch = useUserAction(async (api, body: { role?: Role; is_active?: boolean; email_verified?: boolean }) => {
    const updated = unwrap(await api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: user.id } }, body }));
    if (self) updateUser(updated); // your own session shows it at once (the verify banner goes)
    return updated;
  });
  const remove = useUserAction(async (api, _: null) => unwrap(await api.DELETE('/api/v1/users/{user_id}', { params: { path: { user_id: user.id } } })));
  const reset = useUserAction(async (api, _: null) => unwrap(await api.POST('/api/v1/users/{user_id}/reset-link', { params: { path: { user_id: user.id } } })));
  const failed = patch.error ?? remove.error ?? reset.error;
  return (
    <li aria-label={user.username} className="rounded-xl border border-neutral-800 bg-neutral-900/40 p-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="truncate font-medium text-white">
            {user.username} {self && <span className="text-xs text-neutral-400">(you)</span>}
            {!user.is_active && <span className="ml-2 rounded bg-red-900/50 px-1.5 py-0.5 text-xs text-red-300">disabled</span>}
          </p>
          <p className="truncate text-xs text-neutral-400">
            {user.email ?? 'no email'} · {user.email_verified ? 'verified' : 'not verified'} · last sign-in {formatWhen(user.last_login_at)}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="sr-only" htmlFor={`role-${user.id}`}>
            Role of {user.username}
          </label>
          <select
            id={`role-${user.id}`}
            value={user.role}
            disabled={self || patch.isPending}
            onChange={(e) => patch.mutate({ role: e.target.value as Role })}
            className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-1.5 text-sm text-neutral-100"
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          {!user.email_verified && user.email && (
            <Button variant="secondary" onClick={() => patch.mutate({ email_verified: true })}>
              Mark verified
            </Button>
          )}
          {!self && (
            <Button variant="secondary" onClick={() => patch.mutate({ is_active: !user.is_active })}>
              {user.is_active ? 'Disable' : 'Enable'}
            </Button>
          )}
          {user.email && (
            <Button variant="secondary" busy={reset.isPending} onClick={() => reset.mutate(null)}>
              Reset link
            </Button>
          )}
          {!self && (
            <Button
              variant="secondary"
              onClick={() => {
                if (window.confirm(`Delete ${user.username} and everything they own? This cannot be undone.`)) remove.mutate(null);
              }}
            >
              Delete
            </Button>
          )}
        </div>
      </div>
      {failed && (
        <p role="alert" className="mt-2 text-sm text-red-300">
          {describeError(failed).title}
        </p>
      )}
      {reset.data ? <CopyLink url={(reset.data as { url: string }).url} /> : null}
    </li>
  );
}

export function UsersPage() {
  const { user: me } = useAuth();
  const [q, setQ] = useState('');
  const query = useAdminUsers(q.trim());
  const users = flattenPages(query.data);
  return (
    <div className="space-y-4">
      <PageHeader title="Users" />
      <NewUser />
      <label className="block max-w-sm text-sm text-neutral-300">
        Find
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Username, email or name"
          className="mt-1 w-full rounded-lg border border-neutral-700 bg-neutral-900 px-3 py-2 text-neutral-100"
        />
      </label>
      {query.isPending ? (
        <Loading label="Loading users…" />
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : (
        <ul aria-label="Users" className="space-y-2">
          {users.map((u) => (
            <UserRow key={u.id} user={u} self={u.id === me?.id} />
          ))}
        </ul>
      )}
      <LoadMoreSentinel onVisible={() => void query.fetchNextPage()} disabled={!query.hasNextPage} busy={query.isFetchingNextPage} />
    </div>
  );
}
