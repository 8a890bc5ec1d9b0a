import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { SortOrder, TrackSort } from '../../../api/types';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PlayIcon } from '../../../ui/icons';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { defaultOrder, useTracksInfinite } from '../api';
import { ShuffleButton } from '../components/ShuffleButton';
import { TrackList } from '../components/TrackList';

const SORTS: TrackSort[] = ['created', 'title', 'year', 'plays', 'duration'];
const SORT_LABELS: Record<TrackSort, string> = { created: 'Recently added', title: 'Title', year: 'Year', plays: 'Most played', duration: 'Length' };

export function TracksPage() {
  const [params, setParams] = useSearchParams();
  const sort = (SORTS.includes(params.get('sort') as TrackSort) ? params.get('sort') : 'created') as TrackSort;
  const order = (params.get('order') === 'asc' || params.get('order') === 'desc' ? params.get('order') : defaultOrder(sort)) as SortOrder;
  const mine = params.get('mine') === '1';
  const query = useTracksInfinite({ sort, order, mine: mine || undefined });
  const tracks = flattenPages(query.data);
  const player = usePlayerActions();

  const setSort = useCallback(
    (next: TrackSort, nextOrder?: SortOrder) => {
      const o = nextOrder ?? (next === sort ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder(next));
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          n.set('sort', next);
          n.set('order', o);
          return n;
        },
        { replace: true },
      );
    },
    [order, setParams, sort],
  );

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);

  return (
    <div>
      <PageHeader
        title="Library"
        subtitle={query.isSuccess ? `${tracks.length}${hasNextPage ? '+' : ''} track${tracks.length === 1 && !hasNextPage ? '' : 's'}` : undefined}
        actions={
          <>
            <label className="sr-only" htmlFor="track-sort">
              Sort by
            </label>
            <select
              id="track-sort"
              value={sort}
              onChange={(e) => setSort(e.target.value as TrackSort, defaultOrder(e.target.value as TrackSort))}
              className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-2 text-sm text-neutral-200"
            >
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {SORT_LABELS[s]}
                </option>
              ))}
            </select>
            <label className="flex items-center gap-2 whitespace-nowrap text-sm text-neutral-300">
              <input
                type="checkbox"
                checked={mine}
                onChange={(e) =>
                  setParams(
                    (p) => {
                      const n = new URLSearchParams(p);
                      if (e.target.checked) n.set('mine', '1');
                      else n.delete('mine');
                      return n;
                    },
                    { replace: true },
                  )
                }
                className="accent-accent-500"
              />
              My uploads
            </label>
            <Button onClick={() => player.playTracks(tracks)} disabled={!tracks.some((t) => t.streamable)}>
              <PlayIcon className="h-4 w-4" /> Play all
            </Button>
            <ShuffleButton filters={{ mine: mine || undefined }} label="Shuffle all" />
          </>
        }
      />
      {query.isPending ? (
        <Loading label="Loading tracks…" />
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : tracks.length === 0 ? (
        <EmptyState>
          No tracks yet.{' '}
          <Link to="/upload" className="text-accent-300 underline">
            Upload some music
          </Link>{' '}
          to get started.
        </EmptyState>
      ) : (
        <TrackList
          tracks={tracks}
          label="Tracks"
          sort={{ sort, order, onSort: setSort }}
          hasMore={hasNextPage}
          loadingMore={isFetchingNextPage}
          loadMore={loadMore}
        />
      )}
    </div>
  );
}
