import { useMemo, useState } from 'react';
import { flattenPages } from '../../../api/infinite';
import { describeError, unwrap } from '../../../api/problem';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../auth/AuthContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { LoadMoreSentinel } from '../../../ui/LoadMoreSentinel';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useAdminJobs, useAdminUsers, useJobCounts, type AdminJob } from '../api';
import { StatusBadge, formatWhen } from '../components';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

function JobRow({ job, owner }: { job: AdminJob; owner: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: async (what: 'retry' | 'cancel') =>
      what === 'retry'
        ? unwrap(await api.POST('/api/v1/admin/jobs/{job_id}/retry', { params: { path: { job_id: job.id } } }))
        : unwrap(await api.POST('/api/v1/admin/jobs/{job_id}/cancel', { params: { path: { job_id: job.id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  });
  const active = job.status === 'queued' || job.status === 'running';
  return (
    <li aria-label={`${job.kind} ${job.id}`} className="rounded-xl border border-neutral-800 bg-neutral-900/40 p-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 text-white">
            <span className="font-mono text-xs">{job.kind}</span> <StatusBadge status={job.status} />
            {active && <span className="text-xs text-neutral-400">{Math.round(job.progress * 100)}%</span>}
          </p>
          <p className="truncate text-xs text-neutral-400">
            {owner} · created {formatWhen(job.created_at)} · attempt {job.attempts}/{job.max_attempts}
            {job.message ? ` · ${job.message}` : ''}
          </p>
          {job.error && <p className="mt-1 break-words font-mono text-xs text-red-300">{job.error}</p>}
        </div>
        <div className="flex gap-2">
          {(job.status === 'failed' || job.status === 'cancelled') && (
            <Button variant="secondary" busy={act.isPending} onClick={() => act.mutate('retry')}>
              Retry
            </Button>
          )}
          {active && !job.cancel_requested && (
            <Button variant="secondary" busy={act.isPending} onClick={() => act.mutate('cancel')}>
              Cancel
            </Button>
          )}
        </div>
      </div>
      {act.isError && (
        <p role="alert" className="mt-1 text-red-300">
          {describeError(act.error).title}
        </p>
      )}
    </li>
  );
}

export function JobsPage() {
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const counts = useJobCounts();
  const jobs = useAdminJobs(kind, status);
  const users = useAdminUsers('');
  const names = useMemo(() => new Map(flattenPages(users.data).map((u) => [u.id, u.username])), [users.data]);
  const kinds = [...new Set((counts.data ?? []).map((c) => c.kind))].sort();
  const items = flattenPages(jobs.data);
  const select = 'rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-2 text-sm text-neutral-100';
  return (
    <div className="space-y-4">
      <PageHeader
        title="Jobs"
        subtitle="Every user's background work: processing, scans, sweeps."
        actions={
          <>
            <label className="sr-only" htmlFor="job-kind">
              Kind
            </label>
            <select id="job-kind" value={kind} onChange={(e) => setKind(e.target.value)} className={select}>
              <option value="">All kinds</option>
              {kinds.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
            <label className="sr-only" htmlFor="job-status">
              State
            </label>
            <select id="job-status" value={status} onChange={(e) => setStatus(e.target.value)} className={select}>
              <option value="">All states</option>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </>
        }
      />
      {jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : jobs.isError ? (
        <ErrorAlert error={jobs.error} />
      ) : items.length === 0 ? (
        <EmptyState>No jobs match.</EmptyState>
      ) : (
        <ul aria-label="Jobs" className="space-y-2">
          {items.map((j) => (
            <JobRow key={j.id} job={j} owner={j.owner_id ? (names.get(j.owner_id) ?? 'a deleted user') : 'the server'} />
          ))}
        </ul>
      )}
      <LoadMoreSentinel onVisible={() => void jobs.fetchNextPage()} disabled={!jobs.hasNextPage} busy={jobs.isFetchingNextPage} />
    </div>
  );
}
