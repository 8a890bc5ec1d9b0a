import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useKeysetInfinite } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import type { Schemas } from '../../api/types';
import { useApi } from '../../auth/AuthContext';

export type AdminUser = Schemas['AdminUserOut'];
export type AdminJob = Schemas['AdminJobOut'];
export type LibraryRootOut = Schemas['RootOut'];
export type JobStatusName = Schemas['JobStatus'];

export const adminKeys = {
  all: ['admin'] as const,
  server: ['admin', 'server'] as const,
  users: (q: string) => ['admin', 'users', q] as const,
  roots: ['admin', 'roots'] as const,
  jobs: (kind: string, status: string) => ['admin', 'jobs', kind, status] as const,
  jobCounts: ['admin', 'jobs', 'counts'] as const,
};

export function useServerInfo() {
  const api = useApi();
  return useQuery({ queryKey: adminKeys.server, queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/admin/server', { signal })) });
}

export function useAdminUsers(q: string) {
  const api = useApi();
  return useKeysetInfinite(adminKeys.users(q), async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/users', { params: { query: { q: q || undefined, limit: 100, cursor } }, signal })),
  );
}

/** Any change to an account, then the lists refetch. */
export function useUserAction<T>(fn: (api: ReturnType<typeof useApi>, arg: T) => Promise<unknown>) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (arg: T) => fn(api, arg),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      void queryClient.invalidateQueries({ queryKey: adminKeys.server });
    },
  });
}

export function useRoots() {
  const api = useApi();
  return useQuery({ queryKey: adminKeys.roots, queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/admin/library/roots', { signal })) });
}

export function useAdminJobs(kind: string, status: string) {
  const api = useApi();
  return useKeysetInfinite(adminKeys.jobs(kind, status), async (cursor, signal) =>
    unwrap(
      await api.GET('/api/v1/admin/jobs', {
        params: { query: { kind: kind || undefined, status: (status || undefined) as JobStatusName | undefined, limit: 50, cursor } },
        signal,
      }),
    ),
  );
}

export function useJobCounts() {
  const api = useApi();
  return useQuery({ queryKey: adminKeys.jobCounts, queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/admin/jobs/counts', { signal })).items });
}
