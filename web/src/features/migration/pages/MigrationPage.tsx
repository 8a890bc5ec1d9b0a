import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { Migration, MigrationCounts, MigrationSide } from '../../../api/types';
import { formatDateTime } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import {
  ACTIVE,
  FINISHED,
  STATUS_LABEL,
  sideLabel,
  useApply,
  useCancelMigration,
  useCreateSyncPair,
  useDecide,
  useDownloadMissing,
  useMigration,
  useMigrationTracks,
  useServiceNames,
  type Bucket,
} from '../api';
import { ReportRow, ReviewRow } from '../components/TrackRows';

const COUNT_LABELS: Array<[keyof MigrationCounts, string, string]> = [
  ['tracks', 'Tracks', 'text-white'],
  ['looked_up', 'Looked up', 'text-neutral-200'],
  ['matched', 'Matched', 'text-emerald-300'],
  ['review', 'To review', 'text-amber-300'],
  ['unmatched', 'Not found', 'text-red-300'],
  ['skipped', 'Skipped', 'text-neutral-400'],
  ['written', 'Written', 'text-accent-300'],
];

function Counts({ counts }: { counts: MigrationCounts }) {
  return (
    <dl className="grid grid-cols-4 gap-2 sm:grid-cols-7" aria-label="Counts">
      {COUNT_LABELS.map(([key, label, tone]) => (
        <div key={key} className="rounded-xl border border-neutral-800 bg-neutral-900/60 px-1 py-2 text-center sm:px-3">
          <dt className="text-[10px] uppercase leading-tight text-neutral-500 sm:text-[11px] sm:tracking-wide">{label}</dt>
          <dd className={`text-lg font-semibold tabular-nums ${tone}`} data-testid={`count-${key}`}>
            {counts[key] ?? 0}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Progress({ m }: { m: Migration }) {
  const c = m.counts;
  const total = m.status === 'writing' ? c.matched + c.review : c.tracks;
  const done = m.status === 'writing' ? c.written : c.looked_up;
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="space-y-1" aria-live="polite">
      <div className="flex justify-between text-sm text-neutral-300">
        <span>{STATUS_LABEL[m.status]}…</span>
        {pct !== null && <span className="tabular-nums">{pct}%</span>}
      </div>
      <div className="h-2 overflow-hidden rounded-full bg-neutral-800" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className={`h-full bg-accent-500 transition-all ${pct === null ? 'w-1/4 animate-pulse' : ''}`} style={pct !== null ? { width: `${pct}%` } : undefined} />
      </div>
    </div>
  );
}

function ReviewSection({ m, names }: { m: Migration; names: Record<string, string> }) {
  const q = useMigrationTracks(m.id, 'review');
  const decide = useDecide(m.id);
  const apply = useApply(m.id);
  const rows = flattenPages(q.data);
  const target = sideLabel(m.target, names);
  // Rows decided on this page (the server's answer), beside those decided before it opened.
  const [decided, setDecided] = useState<Record<string, boolean>>({});
  const hasRows = q.isPending ? m.counts.review > 0 : rows.length > 0;
  const undecided = rows.filter((t) => !(decided[t.id] ?? t.decided_by !== null)).length;
  return (
    <section aria-labelledby="review-title" className="space-y-3 rounded-2xl border border-amber-900/50 bg-amber-950/10 p-4 sm:p-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="review-title" className="text-lg font-semibold text-white">
            {hasRows ? 'Review' : m.dry_run ? 'Dry run finished' : 'Ready to write'}
          </h2>
          <p className="text-sm text-neutral-400">
            {hasRows
              ? `Choose what each of these is on ${target}, or skip it. Rows you leave undecided are left out.`
              : `Nothing was written to ${target} yet. Check the report below, then apply.`}
          </p>
        </div>
        <div className="flex flex-col items-start gap-1 sm:items-end">
          <Button onClick={() => apply.mutate()} busy={apply.isPending}>
            Apply: write to {target}
          </Button>
          {undecided > 0 && (
            <span className="text-xs text-amber-300" data-testid="undecided">
              {undecided} still undecided: left out if you apply now
            </span>
          )}
        </div>
      </div>
      <ErrorAlert error={apply.error} />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : rows.length > 0 ? (
        <ol className="divide-y divide-neutral-800" aria-label="To review">
          {rows.map((t) => (
            <ReviewRow
              key={t.id}
              t={t}
              disabled={apply.isPending}
              onDecide={async (decision) => {
                await decide.mutateAsync({ trackId: t.id, decision });
                setDecided((d) => ({ ...d, [t.id]: true }));
              }}
            />
          ))}
        </ol>
      ) : null}
      {q.hasNextPage && (
        <Button variant="secondary" onClick={() => void q.fetchNextPage()} busy={q.isFetchingNextPage}>
          Show more
        </Button>
      )}
      {rows.length > 4 && (
        <div className="flex justify-end border-t border-neutral-800 pt-3">
          {/* A long review ends where the user is: no scrolling back up to apply. */}
          <Button onClick={() => apply.mutate()} busy={apply.isPending} aria-label={`Apply: write to ${target} (after the list)`}>
            Apply: write to {target}
          </Button>
        </div>
      )}
    </section>
  );
}

const FILTERS: Array<{ id: Bucket | null; label: string; count?: keyof MigrationCounts }> = [
  { id: null, label: 'All', count: 'tracks' },
  { id: 'matched', label: 'Matched', count: 'matched' },
  { id: 'review', label: 'Review', count: 'review' },
  { id: 'unmatched', label: 'Not found', count: 'unmatched' },
  { id: 'skipped', label: 'Skipped', count: 'skipped' },
];

function Report({ m }: { m: Migration }) {
  const [bucket, setBucket] = useState<Bucket | null>(null);
  const q = useMigrationTracks(m.id, bucket);
  const rows = flattenPages(q.data);
  const missing = useDownloadMissing(m.id);
  return (
    <section aria-labelledby="report-title" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="report-title" className="text-lg font-semibold text-white">
          Report
        </h2>
        <Button variant="secondary" onClick={() => missing.mutate()} busy={missing.isPending} disabled={m.counts.unmatched + m.counts.skipped === 0}>
          Download missing tracks (CSV)
        </Button>
      </div>
      <ErrorAlert error={missing.error} />
      <div role="tablist" aria-label="Tracks by result" className="flex flex-wrap gap-2">
        {FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            role="tab"
            aria-selected={bucket === f.id}
            onClick={() => setBucket(f.id)}
            className={`rounded-full border px-3 py-1 text-sm ${bucket === f.id ? 'border-accent-400 bg-accent-500/15 text-white' : 'border-neutral-700 text-neutral-300 hover:bg-neutral-800'}`}
          >
            {f.label} {f.count && <span className="tabular-nums text-neutral-400">{m.counts[f.count]}</span>}
          </button>
        ))}
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : rows.length === 0 ? (
        <EmptyState>No tracks here.</EmptyState>
      ) : (
        <ol className="divide-y divide-neutral-800" aria-label="Report">
          {rows.map((t) => (
            <ReportRow key={t.id} t={t} />
          ))}
        </ol>
      )}
      {q.hasNextPage && (
        <Button variant="secondary" onClick={() => void q.fetchNextPage()} busy={q.isFetchingNextPage}>
          Show more
        </Button>
      )}
    </section>
  );
}

/** A stored side as the API takes it back (only `kind` and `service`). */
function asSide(side: Record<string, unknown>): MigrationSide {
  return side.kind === 'library' ? { kind: 'library' } : { kind: 'service', service: String(side.service) };
}

/** Keep a migrated playlist in step with its copy: a sync pair from this migration's two sides. */
function KeepInSync({ m }: { m: Migration }) {
  const create = useCreateSyncPair();
  if (m.status !== 'done' || m.dry_run || m.source.kind === 'file') return null;
  const candidates = m.playlists.filter((p) => p.target_id);
  if (candidates.length === 0 || m.selection?.playlists === 'liked') return null;
  return (
    <div className="space-y-2">
      {candidates.map((p) => {
        const made = create.isSuccess && create.variables?.source_playlist_id === p.source_id;
        return (
          <div key={p.id} className="flex flex-wrap items-center gap-2 text-sm">
            <Button
              variant="secondary"
              busy={create.isPending && create.variables?.source_playlist_id === p.source_id}
              disabled={made}
              onClick={() =>
                create.mutate({
                  source: asSide(m.source),
                  source_playlist_id: p.source_id,
                  target: asSide(m.target),
                  target_playlist_id: p.target_id,
                  mode: 'one_way',
                  removals: false,
                  interval_minutes: 360,
                })
              }
            >
              {made ? 'Syncing' : `Keep “${p.name}” in sync`}
            </Button>
            {made && (
              <span className="text-neutral-400">
                Every 6 hours. <Link to="/migrations#sync" className="text-accent-300 underline">Manage syncs</Link>
              </span>
            )}
          </div>
        );
      })}
      <ErrorAlert error={create.error} />
    </div>
  );
}

export function MigrationPage() {
  const { id = '' } = useParams();
  const q = useMigration(id);
  const names = useServiceNames();
  const cancel = useCancelMigration(id);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  const m = q.data;
  const title = `${sideLabel(m.source, names)} → ${sideLabel(m.target, names)}`;
  const active = ACTIVE.has(m.status);
  return (
    <div className="space-y-6">
      <PageHeader
        title={title}
        subtitle={
          <>
            <span data-testid="migration-status" className="font-medium text-neutral-200">
              {STATUS_LABEL[m.status]}
            </span>
            {m.dry_run && ' · dry run'} · started {formatDateTime(m.created_at)}
            {m.finished_at && ` · finished ${formatDateTime(m.finished_at)}`}
          </>
        }
        actions={
          <>
            {!FINISHED.has(m.status) && (
              <Button variant="ghost" onClick={() => cancel.mutate()} busy={cancel.isPending}>
                Cancel
              </Button>
            )}
            <Link to="/migrations" className="rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
              All migrations
            </Link>
          </>
        }
      />
      <ErrorAlert error={cancel.error} />
      <Counts counts={m.counts} />
      {active && <Progress m={m} />}
      {m.status === 'waiting' && (
        <Notice>
          The service asked Tonearm to slow down. The migration goes on by itself{m.resume_at ? ` at ${formatDateTime(m.resume_at)}` : ''}.
        </Notice>
      )}
      {m.status === 'failed' && (
        <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          <p className="font-semibold">The migration failed.</p>
          {m.error && <p>{m.error}</p>}
        </div>
      )}
      {m.status === 'done' && (
        <Notice>
          Done: {m.counts.written} of {m.counts.tracks} tracks written to {sideLabel(m.target, names)}.
        </Notice>
      )}
      {m.playlists.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label="Playlists">
          {m.playlists.map((p) => (
            <li key={p.id} className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-medium text-white">{p.name}</span>
              <span className="text-neutral-500">{p.tracks} tracks</span>
              {p.target_url && m.target.kind === 'file' ? (
                <a href={p.target_url} download={p.target_id ?? undefined} className="text-accent-300 underline">
                  Download {p.target_id}
                </a>
              ) : p.target_url ? (
                <a href={p.target_url} target="_blank" rel="noreferrer" className="text-accent-300 underline">
                  Open on {sideLabel(m.target, names)}
                </a>
              ) : p.target_id && m.target.kind === 'library' ? (
                <Link to={`/playlists/${p.target_id}`} className="text-accent-300 underline">
                  Open the playlist
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <KeepInSync m={m} />
      {m.status === 'review' && <ReviewSection key={`review-${m.id}`} m={m} names={names} />}
      {!active && m.status !== 'queued' && <Report key={`${m.id}-${m.status}`} m={m} />}
    </div>
  );
}
