import { useSearchParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { SortOrder } from '../../../api/types';
import { ErrorAlert } from '../../../ui/feedback';
import { LoadMoreSentinel } from '../../../ui/LoadMoreSentinel';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useAlbumsInfinite, type AlbumSort } from '../api';
import { AlbumGrid } from '../components/AlbumGrid';

const SORTS: Record<AlbumSort, [string, SortOrder]> = { title: ['Title', 'asc'], year: ['Year', 'desc'], created: ['Recently added', 'desc'] };

export function AlbumsPage() {
  const [params, setParams] = useSearchParams();
  const sort = (params.get('sort') ?? 'title') in SORTS ? ((params.get('sort') ?? 'title') as AlbumSort) : 'title';
  const order = SORTS[sort][1];
  const q = useAlbumsInfinite(sort, order);
  const albums = flattenPages(q.data);
  return (
    <div>
      <PageHeader
        title="Albums"
        actions={
          <>
            <label htmlFor="album-sort" className="sr-only">
              Sort albums by
            </label>
            <select
              id="album-sort"
              value={sort}
              onChange={(e) => setParams({ sort: e.target.value }, { replace: true })}
              className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-2 text-sm text-neutral-200"
            >
              {Object.entries(SORTS).map(([k, [label]]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </>
        }
      />
      {q.isPending ? (
        <Loading label="Loading albums…" />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : albums.length === 0 ? (
        <EmptyState>No albums yet.</EmptyState>
      ) : (
        <>
          <AlbumGrid albums={albums} label="Albums" eager={5} />
          <LoadMoreSentinel disabled={!q.hasNextPage} busy={q.isFetchingNextPage} onVisible={() => q.hasNextPage && !q.isFetchingNextPage && void q.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
