import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { unwrap } from '../../../api/problem';
import type { Track } from '../../../api/types';
import { useApi } from '../../../auth/AuthContext';
import { HeartIcon } from '../../../ui/icons';
import { usePlayerActionsOptional } from '../../../player/PlayerContext';

/** Query keys whose data holds tracks (patched in place when a track changes). */
export const TRACK_QUERY_ROOTS = ['tracks', 'album', 'artist', 'search', 'loves', 'history', 'track'];

function patchDeep(value: unknown, id: string, patch: Partial<Track>): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const n = patchDeep(v, id, patch);
      if (n !== v) changed = true;
      return n;
    });
    return changed ? out : value;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj.id === id && 'streamable' in obj && 'artist_name' in obj) return { ...obj, ...patch };
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const n = patchDeep(v, id, patch);
      if (n !== v) changed = true;
      out[k] = n;
    }
    return changed ? out : value;
  }
  return value;
}

/** Update a track everywhere it is cached (lists, album pages, search, …). */
export function patchTrackInCache(queryClient: QueryClient, id: string, patch: Partial<Track>) {
  queryClient.setQueriesData({ predicate: (q) => TRACK_QUERY_ROOTS.includes(String(q.queryKey[0])) }, (old: unknown) =>
    old === undefined ? old : patchDeep(old, id, patch),
  );
}

export function useLoveToggle() {
  const api = useApi();
  const queryClient = useQueryClient();
  const player = usePlayerActionsOptional();
  return useMutation({
    mutationFn: async ({ track, loved }: { track: Track; loved: boolean }) => {
      const opts = { params: { path: { track_id: track.id } } };
      unwrap(loved ? await api.PUT('/api/v1/tracks/{track_id}/love', opts) : await api.DELETE('/api/v1/tracks/{track_id}/love', opts));
    },
    onMutate: ({ track, loved }) => {
      patchTrackInCache(queryClient, track.id, { loved });
      player?.patchTrack(track.id, { loved });
    },
    onError: (_err, { track, loved }) => {
      patchTrackInCache(queryClient, track.id, { loved: !loved });
      player?.patchTrack(track.id, { loved: !loved });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['loves'] }),
  });
}

export function LoveButton({ track, className = '' }: { track: Track; className?: string }) {
  const love = useLoveToggle();
  const loved = track.loved;
  return (
    <button
      type="button"
      aria-pressed={loved}
      aria-label={`${loved ? 'Unlove' : 'Love'} ${track.title}`}
      title={loved ? 'Remove from Loves' : 'Add to Loves'}
      onClick={(e) => {
        e.stopPropagation();
        love.mutate({ track, loved: !loved });
      }}
      onDoubleClick={(e) => e.stopPropagation()}
      className={`rounded-full p-1.5 transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 ${
        loved ? 'text-accent-400 hover:text-accent-300' : 'text-neutral-500 hover:text-white'
      } ${className}`}
    >
      <HeartIcon filled={loved} className="h-4 w-4" />
    </button>
  );
}
