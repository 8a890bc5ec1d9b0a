import { Link } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { LoadMoreSentinel } from '../../../ui/LoadMoreSentinel';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useArtistsInfinite } from '../api';

export function ArtistsPage() {
  const q = useArtistsInfinite();
  const artists = flattenPages(q.data);
  return (
    <div>
      <PageHeader title="Artists" />
      {q.isPending ? (
        <Loading label="Loading artists…" />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : artists.length === 0 ? (
        <EmptyState>No artists yet.</EmptyState>
      ) : (
        <>
          <ul aria-label="Artists" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
            {artists.map((a) => (
              <li key={a.id}>
                <Link to={`/artists/${a.id}`} className="block rounded-xl p-3 text-center transition-colors hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
                  <Cover seed={a.id} label={a.name} className="mx-auto aspect-square w-full max-w-36" rounded="full" />
                  <p className="mt-2 truncate text-sm font-medium text-white">{a.name}</p>
                  <p className="text-xs text-neutral-400">
                    {a.album_count} album{a.album_count === 1 ? '' : 's'} · {a.track_count} track{a.track_count === 1 ? '' : 's'}
                  </p>
                </Link>
              </li>
            ))}
          </ul>
          <LoadMoreSentinel disabled={!q.hasNextPage} busy={q.isFetchingNextPage} onVisible={() => q.hasNextPage && !q.isFetchingNextPage && void q.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
