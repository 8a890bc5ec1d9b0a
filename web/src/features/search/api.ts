import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/problem';
import { holds } from '../../api/trackCache';
import { useApi } from '../../auth/AuthContext';

export const searchKeys = {
  all: ['search'] as const,
  results: (query: string, limit: number) => ['search', query, limit] as const,
};

export function useSearch(q: string, limit = 8) {
  const api = useApi();
  const query = q.trim();
  return useQuery({
    queryKey: searchKeys.results(query, limit),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    meta: holds('tracks'),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/search', { params: { query: { q: query, limit } }, signal })),
  });
}
