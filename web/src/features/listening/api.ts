import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useKeysetInfinite } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import { holds, patchTrackInCache } from '../../api/trackCache';
import type { Track } from '../../api/types';
import { useApi } from '../../auth/AuthContext';
import { usePlayerActionsOptional } from '../../player/PlayerContext';

export const LOVES_PAGE_SIZE = 100;
export const HISTORY_PAGE_SIZE = 50;

export const listeningKeys = {
  all: ['listening'] as const,
  loves: ['listening', 'loves'] as const,
  history: ['listening', 'history'] as const,
};

export function useLovesInfinite() {
  const api = useApi();
  return useKeysetInfinite(
    listeningKeys.loves,
    async (cursor, signal) => unwrap(await api.GET('/api/v1/me/loves', { params: { query: { limit: LOVES_PAGE_SIZE, cursor } }, signal })),
    { meta: holds('tracks') },
  );
}

/** Play history; refetched when the player reports a play (tag `plays`). */
export function useHistoryInfinite() {
  const api = useApi();
  return useKeysetInfinite(
    listeningKeys.history,
    async (cursor, signal) => unwrap(await api.GET('/api/v1/me/history', { params: { query: { limit: HISTORY_PAGE_SIZE, cursor } }, signal })),
    { meta: holds('tracks', 'plays') },
  );
}

/** Love or unlove a track: optimistic everywhere it is cached and in the player's queue, then Loves refetches. */
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
    onSettled: () => queryClient.invalidateQueries({ queryKey: listeningKeys.loves }),
  });
}
