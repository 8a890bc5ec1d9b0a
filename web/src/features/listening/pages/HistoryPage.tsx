import { flattenPages } from '../../../api/infinite';
import { formatRelative } from '../../../lib/format';
import { usePlayerActions } from '../../../player/PlayerContext';
import { ErrorAlert } from '../../../ui/feedback';
import { LoadMoreSentinel } from '../../../ui/LoadMoreSentinel';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { SimpleTrackList } from '../../library/components/SimpleTrackList';
import { useHistoryInfinite } from '../api';

export function HistoryPage() {
  const q = useHistoryInfinite();
  const items = flattenPages(q.data);
  const tracks = items.map((i) => i.track);
  const player = usePlayerActions();
  return (
    <div>
      <PageHeader title="History" subtitle="What you played, most recent first." />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : items.length === 0 ? (
        <EmptyState>No plays yet.</EmptyState>
      ) : (
        <>
          <SimpleTrackList
            tracks={tracks}
            label="Play history"
            keyOf={(_t, i) => items[i]!.play.id}
            onPlay={(i) => player.playTracks([tracks[i]!])}
            note={(_t, i) => {
              const p = items[i]!.play;
              return (
                <span data-testid="history-play">
                  {formatRelative(p.started_at)}
                  {p.completed ? ' · played through' : p.counted ? ' · counted' : ` · ${Math.round(p.position)} s`}
                </span>
              );
            }}
          />
          <LoadMoreSentinel disabled={!q.hasNextPage} busy={q.isFetchingNextPage} onVisible={() => q.hasNextPage && !q.isFetchingNextPage && void q.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
