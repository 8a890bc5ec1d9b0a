import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { followJobs } from '../../api/jobEvents';
import { useKeysetInfinite } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import type { Migration, MigrationCounts, MigrationIn, MigrationStatus, SyncPairIn, SyncPairPatch } from '../../api/types';
import { useApi, useTokens } from '../../auth/AuthContext';
import { useConnections } from '../connections/api';

export type Bucket = 'matched' | 'review' | 'unmatched' | 'undecided' | 'skipped';

export const migrationKeys = {
  all: ['migrations'] as const,
  list: ['migrations', 'list'] as const,
  one: (id: string) => ['migrations', 'one', id] as const,
  tracks: (id: string, bucket: Bucket | null) => ['migrations', 'tracks', id, bucket ?? 'all'] as const,
  sources: (source: string) => ['playlists', 'source', source] as const,
  syncPairs: ['sync-pairs'] as const,
};

/** Statuses in which the migration's job is at work: its counts change, so they are asked again. */
export const ACTIVE: ReadonlySet<MigrationStatus> = new Set(['queued', 'reading', 'matching', 'writing']);
export const FINISHED: ReadonlySet<MigrationStatus> = new Set(['done', 'failed', 'cancelled']);
/** The live counts come over the job's event stream; this poll is the fallback (a lost stream). */
export const POLL_MS = 5000;

export const STATUS_LABEL: Record<MigrationStatus, string> = {
  queued: 'Queued',
  reading: 'Reading the playlists',
  matching: 'Matching tracks',
  review: 'Waiting for your review',
  writing: 'Writing',
  waiting: 'Waiting (rate limited)',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** One side of a migration as stored (`{kind: 'service', service}` or `{kind: 'library'}`). */
export function sideLabel(side: Record<string, unknown>, names: Record<string, string> = {}): string {
  if (side.kind === 'library') return 'Tonearm';
  if (side.kind === 'file') return typeof side.name === 'string' ? `File ${side.name}` : typeof side.format === 'string' ? `a ${side.format.toUpperCase()} file` : 'A file';
  const slug = typeof side.service === 'string' ? side.service : '?';
  return names[slug] ?? slug.charAt(0).toUpperCase() + slug.slice(1);
}

/** One service's playlists (or `all` sources), for choosing what to migrate. */
export function useSourcePlaylists(source: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: migrationKeys.sources(source ?? ''),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/playlists', { params: { query: { source: source!, limit: 100 } }, signal })),
    enabled: source !== null,
    staleTime: 30_000,
  });
}

export function useMigrations() {
  const api = useApi();
  return useKeysetInfinite(migrationKeys.list, async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/migrations', { params: { query: { limit: 50, cursor } }, signal })),
  );
}

/** What the migration's job sends as it goes (besides its own progress events). */
interface MigrationEvent {
  type: 'migration';
  id: string;
  migration: string;
  status: MigrationStatus;
  counts: Partial<MigrationCounts>;
}

/**
 * A migration, live while its job works: the job's event stream carries each change of status and
 * counts (merged into the cached migration; a new status also asks for the whole migration again),
 * with a slow poll besides in case the stream is lost.
 */
export function useMigration(id: string) {
  const api = useApi();
  const tokens = useTokens();
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: migrationKeys.one(id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/migrations/{migration_id}', { params: { path: { migration_id: id } }, signal })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status && !ACTIVE.has(status) && status !== 'waiting' ? false : POLL_MS;
    },
  });
  const status = q.data?.status;
  const jobId = q.data?.job_id ?? null;
  // A new status changes the rows (decided, written): the track lists are asked again.
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (seen.current && status && seen.current !== status) void queryClient.invalidateQueries({ queryKey: ['migrations', 'tracks', id] });
    seen.current = status;
  }, [status, id, queryClient]);
  const live = jobId !== null && status !== undefined && (ACTIVE.has(status) || status === 'waiting');
  useEffect(() => {
    if (!live || !jobId) return;
    const key = migrationKeys.one(id);
    const refetch = () => void queryClient.invalidateQueries({ queryKey: key });
    return followJobs(tokens, {
      jobIds: () => [jobId],
      onEvent: (e) => {
        if (e.id !== jobId) return;
        const ev = e as unknown as MigrationEvent;
        if (ev.type === 'migration' && ev.migration === id) {
          const before = queryClient.getQueryData<Migration>(key);
          if (before) queryClient.setQueryData<Migration>(key, { ...before, status: ev.status, counts: { ...before.counts, ...ev.counts } });
          if (!before || before.status !== ev.status) refetch();
        } else if (['done', 'failed', 'cancelled'].includes(e.type) || ['succeeded', 'failed', 'cancelled'].includes(e.status)) {
          refetch();
        }
      },
      onStatus: (s) => {
        if (s === 'open') refetch(); // anything missed while the stream was not there
      },
    });
  }, [live, jobId, id, tokens, queryClient]);
  return q;
}

export function useMigrationTracks(id: string, bucket: Bucket | null, enabled = true) {
  const api = useApi();
  return useKeysetInfinite(
    migrationKeys.tracks(id, bucket),
    async (cursor, signal) =>
      unwrap(
        await api.GET('/api/v1/migrations/{migration_id}/tracks', {
          params: { path: { migration_id: id }, query: { limit: 200, cursor, ...(bucket ? { bucket } : {}) } },
          signal,
        }),
      ),
    { enabled },
  );
}

function useSettle() {
  const queryClient = useQueryClient();
  return (m: Migration) => {
    queryClient.setQueryData(migrationKeys.one(m.id), m);
    void queryClient.invalidateQueries({ queryKey: migrationKeys.list });
    void queryClient.invalidateQueries({ queryKey: ['migrations', 'tracks', m.id] });
  };
}

export function useStartMigration() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async (body: MigrationIn) => unwrap(await api.POST('/api/v1/migrations', { body })),
    onSuccess: settle,
  });
}

/** Start a migration from a playlist file (M3U, XSPF, CSV...) to `target` (`library` or a slug). */
export function useUploadMigration() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async ({ file, target, dryRun, strict }: { file: File; target: string; dryRun: boolean; strict: boolean }) => {
      const form = new FormData();
      form.append('file', file, file.name);
      form.append('target', target);
      form.append('dry_run', String(dryRun));
      form.append('strict_versions', String(strict));
      return unwrap(
        await api.POST('/api/v1/migrations/upload', { body: { file: '', target }, bodySerializer: () => form }),
      );
    },
    onSuccess: settle,
  });
}

/** Pick a candidate for a row (`choice`), or leave the row out (`skip`). */
export function useDecide(migrationId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ trackId, decision }: { trackId: string; decision: { choice: string } | { skip: true } }) =>
      unwrap(
        await api.PATCH('/api/v1/migrations/{migration_id}/tracks/{track_id}', {
          params: { path: { migration_id: migrationId, track_id: trackId } },
          body: decision,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: migrationKeys.one(migrationId) });
      void queryClient.invalidateQueries({ queryKey: ['migrations', 'tracks', migrationId] });
    },
  });
}

export function useApply(id: string) {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/migrations/{migration_id}/apply', { params: { path: { migration_id: id } } })),
    onSuccess: settle,
  });
}

export function useCancelMigration(id: string) {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/migrations/{migration_id}/cancel', { params: { path: { migration_id: id } } })),
    onSuccess: settle,
  });
}

/** The tracks not found on the target as CSV (fetched with the session, then saved). */
export function useDownloadMissing(id: string) {
  const api = useApi();
  return useMutation({
    mutationFn: async () => {
      const res = await api.GET('/api/v1/migrations/{migration_id}/missing.csv', { params: { path: { migration_id: id } }, parseAs: 'blob' });
      const blob = unwrap(res) as unknown as Blob;
      const disposition = res.response.headers.get('Content-Disposition') ?? '';
      const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'missing.csv';
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
}

// --- sync pairs -------------------------------------------------------------------------------

export function useSyncPairs() {
  const api = useApi();
  return useQuery({
    queryKey: migrationKeys.syncPairs,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/sync-pairs', { signal })),
  });
}

function useSyncRefresh() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: migrationKeys.syncPairs });
    void queryClient.invalidateQueries({ queryKey: migrationKeys.list });
  };
}

export function useCreateSyncPair() {
  const api = useApi();
  const refresh = useSyncRefresh();
  return useMutation({
    mutationFn: async (body: SyncPairIn) => unwrap(await api.POST('/api/v1/sync-pairs', { body })),
    onSuccess: refresh,
  });
}

export function useUpdateSyncPair() {
  const api = useApi();
  const refresh = useSyncRefresh();
  return useMutation({
    mutationFn: async ({ id, patch }: { id: string; patch: SyncPairPatch }) =>
      unwrap(await api.PATCH('/api/v1/sync-pairs/{pair_id}', { params: { path: { pair_id: id } }, body: patch })),
    onSuccess: refresh,
  });
}

export function useDeleteSyncPair() {
  const api = useApi();
  const refresh = useSyncRefresh();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await api.DELETE('/api/v1/sync-pairs/{pair_id}', { params: { path: { pair_id: id } } }));
    },
    onSuccess: refresh,
  });
}

export function useRunSyncPair() {
  const api = useApi();
  const refresh = useSyncRefresh();
  return useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/v1/sync-pairs/{pair_id}/run', { params: { path: { pair_id: id } } })),
    onSuccess: refresh,
  });
}

/** Each service's name by slug (for the sides of migrations and sync pairs). */
export function useServiceNames(): Record<string, string> {
  const q = useConnections();
  return Object.fromEntries((q.data?.items ?? []).map((s) => [s.slug, s.name]));
}
