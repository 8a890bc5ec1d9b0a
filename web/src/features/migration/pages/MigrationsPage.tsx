import { Link } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { SyncPair } from '../../../api/types';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { STATUS_LABEL, sideLabel, useDeleteSyncPair, useMigrations, useRunSyncPair, useServiceNames, useSyncPairs, useUpdateSyncPair } from '../api';

const STATUS_TONE: Record<string, string> = {
  done: 'text-emerald-300',
  failed: 'text-red-300',
  cancelled: 'text-neutral-500',
  review: 'text-amber-300',
  waiting: 'text-amber-300',
};

type Run = { migration?: string; status?: string; written?: number; tracks?: number; unmatched?: number };

function lastRun(pair: SyncPair): string {
  const r = pair.last_result as { unchanged?: boolean; runs?: Run[] } | null;
  if (!pair.last_run_at || !r) return 'Not run yet';
  if (r.unchanged) return `${formatRelative(pair.last_run_at)}: unchanged`;
  const runs = r.runs ?? [];
  // `written` counts every track the run put or found on the target (not only the new ones).
  const written = runs.reduce((n, x) => n + (x.written ?? 0), 0);
  const tracks = runs.reduce((n, x) => n + (x.tracks ?? 0), 0);
  const failed = runs.find((x) => x.status === 'failed');
  return `${formatRelative(pair.last_run_at)}: ${failed ? 'failed' : `${written} of ${tracks} tracks synced`}`;
}

function SyncPairRow({ pair, names }: { pair: SyncPair; names: Record<string, string> }) {
  const run = useRunSyncPair();
  const update = useUpdateSyncPair();
  const remove = useDeleteSyncPair();
  // The server leaves a pair's name empty for now: say what it links instead.
  const name = pair.name || `${sideLabel(pair.source, names)} playlist to ${sideLabel(pair.target, names)}`;
  const runs = ((pair.last_result as { runs?: Run[] } | null)?.runs ?? []).filter((r) => r.migration);
  return (
    <li aria-label={name} className="space-y-2 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium text-white">{name}</p>
          <p className="text-xs text-neutral-400">
            {sideLabel(pair.source, names)} → {sideLabel(pair.target, names)} · {pair.mode === 'two_way' ? 'both ways' : 'one way'}
            {pair.removals && ', removals too'} · every {pair.interval_minutes >= 60 ? `${Math.round(pair.interval_minutes / 60)} h` : `${pair.interval_minutes} min`}
          </p>
          <p className="text-xs text-neutral-500">
            Last run: {lastRun(pair)}
            {runs.map((r) => (
              <Link key={r.migration} to={`/migrations/${r.migration}`} className="ml-2 text-accent-300 underline">
                report
              </Link>
            ))}
            {pair.enabled ? ` · next ${formatDateTime(pair.next_run_at)}` : ' · paused'}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" busy={run.isPending} onClick={() => run.mutate(pair.id)}>
            Run now
          </Button>
          <Button variant="ghost" busy={update.isPending} onClick={() => update.mutate({ id: pair.id, patch: { enabled: !pair.enabled } })}>
            {pair.enabled ? 'Pause' : 'Resume'}
          </Button>
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() => {
              if (window.confirm(`Stop syncing “${name}”? The playlists stay as they are.`)) remove.mutate(pair.id);
            }}
          >
            Delete
          </Button>
        </div>
      </div>
      {run.isSuccess && <p className="text-xs text-emerald-300">Queued: it runs in a moment.</p>}
      <ErrorAlert error={run.error ?? update.error ?? remove.error} />
    </li>
  );
}

/** Past migrations, and the playlists kept in sync. */
export function MigrationsPage() {
  const list = useMigrations();
  const pairs = useSyncPairs();
  const names = useServiceNames();
  const migrations = flattenPages(list.data);
  return (
    <div className="space-y-8">
      <PageHeader
        title="Migrations"
        subtitle="Every migration with its report, and the playlists kept in sync."
        actions={
          <Link to="/migrate" className="rounded-lg bg-accent-500 px-4 py-2 text-sm font-semibold text-neutral-950 hover:bg-accent-400">
            New migration
          </Link>
        }
      />
      <section aria-labelledby="sync" className="space-y-2">
        <h2 id="sync" className="text-lg font-semibold text-white">
          Sync pairs
        </h2>
        {pairs.isPending ? (
          <Loading />
        ) : pairs.isError ? (
          <ErrorAlert error={pairs.error} />
        ) : pairs.data.items.length === 0 ? (
          <EmptyState>No playlist is kept in sync. After a migration is done, “Keep in sync” on its page adds one here.</EmptyState>
        ) : (
          <ul className="divide-y divide-neutral-800" aria-label="Sync pairs">
            {pairs.data.items.map((p) => (
              <SyncPairRow key={p.id} pair={p} names={names} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="past" className="space-y-2">
        <h2 id="past" className="text-lg font-semibold text-white">
          Past migrations
        </h2>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorAlert error={list.error} />
        ) : migrations.length === 0 ? (
          <EmptyState>
            No migrations yet. <Link to="/migrate" className="text-accent-300 underline">Start one</Link>.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-neutral-800" aria-label="Past migrations">
            {migrations.map((m) => (
              <li key={m.id}>
                <Link to={`/migrations/${m.id}`} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 rounded-lg px-2 py-3 hover:bg-neutral-900">
                  <span className="min-w-0">
                    <span className="block font-medium text-white">
                      {sideLabel(m.source, names)} → {sideLabel(m.target, names)}
                      {m.dry_run && <span className="ml-2 text-xs text-neutral-500">dry run</span>}
                      {m.sync_pair_id && <span className="ml-2 text-xs text-neutral-500">sync</span>}
                    </span>
                    <span className="block text-xs text-neutral-500">{formatDateTime(m.created_at)}</span>
                  </span>
                  <span className="flex items-center gap-3 text-xs tabular-nums text-neutral-400">
                    <span>
                      {m.counts.matched} matched · {m.counts.unmatched} not found · {m.counts.written} written
                    </span>
                    <span className={`font-medium ${STATUS_TONE[m.status] ?? 'text-neutral-200'}`}>{STATUS_LABEL[m.status]}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <Button variant="secondary" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
            Show more
          </Button>
        )}
      </section>
    </div>
  );
}
