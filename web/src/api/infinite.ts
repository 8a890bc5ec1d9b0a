import { useInfiniteQuery, type InfiniteData, type QueryKey, type QueryMeta } from '@tanstack/react-query';

/** One page of a keyset-paginated API list (`?limit=&cursor=` answers `{ items, next_cursor }`). */
export interface KeysetPage<T = unknown> {
  items: T[];
  next_cursor?: string | null;
}

/** What a keyset infinite query caches: its pages and the cursor each was fetched with. */
export type KeysetData<P> = InfiniteData<P, string | null>;

/**
 * The one useInfiniteQuery over keyset pages: the first page is fetched with cursor `null`, each next
 * page with the previous page's `next_cursor`, and the list ends when `next_cursor` is null.
 */
export function useKeysetInfinite<P extends KeysetPage>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<P>,
  options: { meta?: QueryMeta; enabled?: boolean } = {},
) {
  return useInfiniteQuery({
    queryKey,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    getNextPageParam: (last: P) => last.next_cursor ?? undefined,
    ...options,
  });
}

/** All items of the pages loaded so far, in order. */
export function flattenPages<T>(data: { pages: Array<{ items: T[] }> } | undefined): T[] {
  return data ? data.pages.flatMap((p) => p.items) : [];
}
