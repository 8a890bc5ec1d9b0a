import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { followJobs, type JobEvent } from '../../../api/jobEvents';
import { unwrap } from '../../../api/problem';
import { useApi, useTokens } from '../../../auth/AuthContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { adminKeys, useRoots, type LibraryRootOut } from '../api';
import { StatusBadge, formatWhen } from '../components';

const FINISHED = ['succeeded', 'failed', 'cancelled'];
const REPORT: Array<[string, string]> = [
  ['files', 'files'],
  ['added', 'added'],
  ['updated', 'updated'],
  ['moved', 'moved'],
  ['missing', 'missing'],
  ['duplicates', 'duplicates'],
  ['skipped', 'unreadable'],
  ['errors', 'errors'],
  ['regrouped', 'regrouped into albums'],
];

/** The scans running now, live from the job events stream (the admin owns the scan jobs). */
function useLiveScans(roots: LibraryRootOut[] | undefined) {
  const tokens = useTokens();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<Record<string, JobEvent>>({});
  const running = (roots ?? []).filter((r) => r.last_scan && !FINISHED.includes(r.last_scan.status)).map((r) => r.last_scan!.job_id);
  const key = running.sort().join(',');
  useEffect(() => {
    if (!key) return;
    const ids = key.split(',');
    return followJobs(tokens, {
      jobIds: () => ids,
      onEvent: (e) => {
        if (!ids.includes(e.id)) return;
        setLive((m) => ({ ...m, [e.id]: e }));
        if (FINISHED.includes(e.status)) void queryClient.invalidateQueries({ queryKey: adminKeys.roots });
      },
    });
  }, [key, tokens, queryClient]);
  return live;
}

function AddFolder({ allowed }: { allowed: string[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [path, setPath] = useState(allowed[0] ?? '');
  const [visibility, setVisibility] = useState<'private' | 'unlisted' | 'public'>('private');
  const add = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/admin/library/scans', { body: { path, visibility, full: false, process: true } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminKeys.roots }),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <section aria-labelledby="add-folder" className="rounded-xl border border-neutral-800 bg-neutral-900/50 p-4">
      <h2 id="add-folder" className="font-semibold text-white">
        Add a folder
      </h2>
      {allowed.length === 0 ? (
        <p className="mt-2 text-sm text-neutral-300">
          No library roots are configured. Set <code className="font-mono text-xs">TONEARM_LIBRARY_ROOTS</code> to the folders Tonearm may read (comma-separated) and
          restart the server.
        </p>
      ) : (
        <form onSubmit={onSubmit} className="mt-2 flex flex-col gap-3 sm:flex-row sm:items-end">
          <div className="min-w-0 flex-1">
            <TextField label="Folder on the server" required value={path} onChange={(e) => setPath(e.target.value)} hint={`Inside ${allowed.join(' or ')}`} />
          </div>
          <label className="flex flex-col gap-1 text-sm text-neutral-300">
            Visibility
            <select value={visibility} onChange={(e) => setVisibility(e.target.value as typeof visibility)} className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-2 text-neutral-100">
              <option value="private">Private</option>
              <option value="unlisted">Unlisted</option>
              <option value="public">Public</option>
            </select>
          </label>
          <Button type="submit" busy={add.isPending}>
            Add and scan
          </Button>
        </form>
      )}
      {add.isError && <ErrorAlert error={add.error} />}
    </section>
  );
}

function RootCard({ root, live }: { root: LibraryRootOut; live: JobEvent | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const scan = useMutation({
    mutationFn: async (full: boolean) => unwrap(await api.POST('/api/v1/admin/library/roots/{root_id}/scans', { params: { path: { root_id: root.id } }, body: { full, process: true } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminKeys.roots }),
  });
  const last = root.last_scan;
  const status = live?.status ?? last?.status;
  const progress = live?.progress ?? last?.progress ?? 0;
  const message = live?.message ?? last?.message;
  const busy = status !== undefined && !FINISHED.includes(status);
  const result = (last?.result ?? null) as Record<string, number> | null;
  return (
    <li aria-label={root.path} className="rounded-xl border border-neutral-800 bg-neutral-900/40 p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="break-all font-mono text-sm text-white">{root.path}</p>
          <p className="text-xs text-neutral-400">
            {root.tracks.toLocaleString()} tracks{root.missing ? ` (${root.missing} missing)` : ''} · owner {root.owner_name ?? '—'} · {root.visibility} · last scan {formatWhen(root.last_scan_at)}
          </p>
        </div>
        <div className="flex gap-2">
          <Button onClick={() => scan.mutate(false)} busy={scan.isPending} disabled={busy}>
            Scan now
          </Button>
          <Button variant="secondary" onClick={() => scan.mutate(true)} disabled={busy || scan.isPending} title="Read every file again">
            Full rescan
          </Button>
        </div>
      </div>
      {status && (
        <div className="mt-3 space-y-1 text-sm">
          <p className="flex items-center gap-2 text-neutral-300">
            <StatusBadge status={status} /> {busy ? `${Math.round(progress * 100)}%${message ? ` · ${message}` : ''}` : formatWhen(last?.finished_at)}
          </p>
          {busy && (
            <div role="progressbar" aria-label={`Scanning ${root.path}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)} className="h-1.5 overflow-hidden rounded-full bg-neutral-800">
              <div className="h-full bg-accent-500 transition-[width]" style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
          )}
          {!busy && result && (
            <dl aria-label="Last scan results" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-neutral-400">
              {REPORT.filter(([k]) => typeof result[k] === 'number').map(([k, label]) => (
                <div key={k} className="flex gap-1">
                  <dt>{label}</dt>
                  <dd className="font-medium text-neutral-100">{result[k]!.toLocaleString()}</dd>
                </div>
              ))}
            </dl>
          )}
          {!busy && last?.error && <p className="text-red-300">{last.error}</p>}
        </div>
      )}
      {scan.isError && <ErrorAlert error={scan.error} />}
    </li>
  );
}

export function FoldersPage() {
  const q = useRoots();
  const live = useLiveScans(q.data?.items);
  if (q.isPending) return <Loading label="Loading folders…" />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  return (
    <div className="space-y-4">
      <PageHeader title="Library folders" subtitle="Folders on the server that Tonearm reads in place. Files stay where they are." />
      <AddFolder allowed={q.data.allowed} />
      {q.data.items.length === 0 ? (
        <EmptyState>No folder has been added yet.</EmptyState>
      ) : (
        <ul aria-label="Library folders" className="space-y-3">
          {q.data.items.map((r) => (
            <RootCard key={r.id} root={r} live={r.last_scan ? live[r.last_scan.job_id] : undefined} />
          ))}
        </ul>
      )}
    </div>
  );
}
