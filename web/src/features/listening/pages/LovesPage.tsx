import { useCallback } from 'react';
import { flattenPages } from '../../../api/infinite';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PlayIcon } from '../../../ui/icons';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { TrackList } from '../../library/components/TrackList';
import { useLovesInfinite } from '../api';

export function LovesPage() {
  const q = useLovesInfinite();
  const tracks = flattenPages(q.data);
  const player = usePlayerActions();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = q;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);
  return (
    <div>
      <PageHeader
        title="Loves"
        subtitle="Tracks you loved, newest first."
        actions={
          <Button onClick={() => player.playTracks(tracks)} disabled={!tracks.some((t) => t.streamable)}>
            <PlayIcon className="h-4 w-4" /> Play all
          </Button>
        }
      />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : tracks.length === 0 ? (
        <EmptyState>Nothing loved yet. Tap the heart on a track to keep it here.</EmptyState>
      ) : (
        <TrackList tracks={tracks} label="Loved tracks" hasMore={hasNextPage} loadingMore={isFetchingNextPage} loadMore={loadMore} />
      )}
    </div>
  );
}
