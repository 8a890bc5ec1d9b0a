import { flattenPages } from '../../../api/infinite';
import type { Session } from '../../../api/types';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { Card } from '../../../ui/Card';
import { ErrorAlert } from '../../../ui/feedback';
import { useRevokeOtherSessions, useRevokeSession, useSessions } from '../api';

const methodLabels: Record<string, string> = {
  password: 'Password',
  otp: 'Phone code',
  phone: 'Phone code',
  register: 'Sign-up',
  refresh: 'Refreshed',
};

export function SessionsList() {
  const query = useSessions();
  const revoke = useRevokeSession();
  const revokeOthers = useRevokeOtherSessions();

  const sessions = flattenPages(query.data);
  // Current device first, then most recently active.
  sessions.sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at));
  const others = sessions.filter((s) => !s.current).length;

  return (
    <Card title="Sessions" description="Devices signed in to your account. Revoke any you don't recognise.">
      {query.isPending ? (
        <p role="status" className="text-sm text-neutral-400">
          Loading sessions…
        </p>
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : (
        <>
          <ul aria-label="Active sessions" className="divide-y divide-neutral-800 overflow-hidden rounded-xl border border-neutral-800">
            {sessions.map((s) => (
              <SessionRow
                key={s.id}
                session={s}
                onRevoke={() => revoke.mutate(s.id)}
                revoking={revoke.isPending && revoke.variables === s.id}
              />
            ))}
          </ul>
          {query.hasNextPage && (
            <Button variant="ghost" className="mt-2" onClick={() => query.fetchNextPage()} busy={query.isFetchingNextPage}>
              Load more
            </Button>
          )}
          <div className="mt-4 space-y-3">
            <ErrorAlert error={revoke.error ?? revokeOthers.error} />
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm text-neutral-400">
                {others === 0 ? 'No other active sessions.' : `${others} other active session${others === 1 ? '' : 's'}.`}
              </p>
              <Button variant="danger" onClick={() => revokeOthers.mutate()} busy={revokeOthers.isPending} disabled={others === 0}>
                Sign out everywhere else
              </Button>
            </div>
          </div>
        </>
      )}
    </Card>
  );
}

function SessionRow({ session: s, onRevoke, revoking }: { session: Session; onRevoke: () => void; revoking: boolean }) {
  const label = s.device || 'Unknown device';
  return (
    <li aria-label={s.current ? `${label} (this device)` : label} className="flex flex-col gap-3 bg-neutral-950/40 p-4 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-white">{label}</span>
          {s.current && (
            <span className="rounded-full bg-accent-500/15 px-2 py-0.5 text-xs font-medium text-accent-300 ring-1 ring-accent-500/40">
              This device
            </span>
          )}
          <span className="rounded-full bg-neutral-800 px-2 py-0.5 text-xs text-neutral-300">{methodLabels[s.method] ?? s.method}</span>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-neutral-400">
          <dt>IP address</dt>
          <dd className="text-neutral-300">{s.ip ?? 'Unknown'}</dd>
          <dt>Browser</dt>
          <dd className="break-all text-neutral-300" title={s.user_agent ?? undefined}>
            {s.user_agent ?? 'Unknown'}
          </dd>
          <dt>Signed in</dt>
          <dd className="text-neutral-300">
            <time dateTime={s.created_at}>{formatDateTime(s.created_at)}</time>
          </dd>
          <dt>Last active</dt>
          <dd className="text-neutral-300">
            <time dateTime={s.last_seen_at} title={formatDateTime(s.last_seen_at)}>
              {formatRelative(s.last_seen_at)}
            </time>
          </dd>
        </dl>
      </div>
      {!s.current && (
        <Button variant="secondary" className="shrink-0" onClick={onRevoke} busy={revoking} aria-label={`Revoke session on ${label}`}>
          {revoking ? 'Revoking…' : 'Revoke'}
        </Button>
      )}
    </li>
  );
}
