import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PlayIcon } from '../../../ui/icons';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useTracksInfinite } from '../api';
import { ShuffleButton } from '../components/ShuffleButton';
import { TrackList } from '../components/TrackList';

/** The tracks of one genre, most played first, with Play and Shuffle. */
export function GenrePage() {
  const name = decodeURIComponent(useParams().name ?? '');
  const query = useTracksInfinite({ sort: 'plays', order: 'desc', genre: name });
  const tracks = flattenPages(query.data);
  const player = usePlayerActions();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);
  return (
    <div>
      <p className="mb-1 text-sm">
        <Link to="/genres" className="text-neutral-400 hover:text-white hover:underline">
          Genres
        </Link>
      </p>
      <PageHeader
        title={name}
        actions={
          <>
            <Button onClick={() => player.playTracks(tracks)} disabled={!tracks.some((t) => t.streamable)}>
              <PlayIcon className="h-4 w-4" /> Play
            </Button>
            <ShuffleButton filters={{ genre: name }} />
          </>
        }
      />
      {query.isPending ? (
        <Loading label="Loading tracks…" />
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : tracks.length === 0 ? (
        <EmptyState>No tracks in this genre.</EmptyState>
      ) : (
        <TrackList tracks={tracks} label={`${name} tracks`} hasMore={hasNextPage} loadingMore={isFetchingNextPage} loadMore={loadMore} />
      )}
    </div>
  );
}
