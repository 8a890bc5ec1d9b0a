import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useKeysetInfinite } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import { holds } from '../../api/trackCache';
import type { Playlist, PlaylistChange, Schemas, SmartDefinition } from '../../api/types';
import { useApi } from '../../auth/AuthContext';
import { useDebouncedValue } from '../../lib/useDebouncedValue';

export const ITEMS_PAGE_SIZE = 200;

export const playlistKeys = {
  all: ['playlists'] as const,
  mine: ['playlists', 'mine'] as const,
  one: (id: string) => ['playlists', 'one', id] as const,
  items: (id: string) => ['playlists', 'items', id] as const,
  tracks: (id: string) => ['playlists', 'tracks', id] as const,
  preview: (def: SmartDefinition) => ['playlists', 'smart-preview', def] as const,
};

export const PREVIEW_DEBOUNCE_MS = 400;
export const PREVIEW_COUNT = 25;

export function useMyPlaylists() {
  const api = useApi();
  return useKeysetInfinite(playlistKeys.mine, async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/playlists', { params: { query: { limit: 100, cursor } }, signal })),
  );
}

export function usePlaylist(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: playlistKeys.one(id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/playlists/{playlist_id}', { params: { path: { playlist_id: id } }, signal })),
  });
}

export function usePlaylistItems(id: string, enabled = true) {
  const api = useApi();
  return useKeysetInfinite(
    playlistKeys.items(id),
    async (cursor, signal) =>
      unwrap(
        await api.GET('/api/v1/playlists/{playlist_id}/items', {
          params: { path: { playlist_id: id }, query: { limit: ITEMS_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
    { meta: holds('tracks'), enabled },
  );
}

/** A smart playlist's tracks: what its rules select now, for the viewer. */
export function useSmartTracks(id: string, enabled: boolean) {
  const api = useApi();
  return useKeysetInfinite(
    playlistKeys.tracks(id),
    async (cursor, signal) =>
      unwrap(
        await api.GET('/api/v1/playlists/{playlist_id}/tracks', {
          params: { path: { playlist_id: id }, query: { limit: ITEMS_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
    { meta: holds('tracks'), enabled },
  );
}

/** The live preview of rules being edited: asked once they stop changing for a moment. */
/** `ready`: whether a definition is worth asking about (every rule filled in). */
export function useSmartPreview(def: SmartDefinition, ready: (d: SmartDefinition) => boolean = () => true) {
  const api = useApi();
  const debounced = useDebouncedValue(def, PREVIEW_DEBOUNCE_MS);
  return useQuery({
    queryKey: playlistKeys.preview(debounced),
    queryFn: async ({ signal }) =>
      unwrap(await api.POST('/api/v1/playlists/smart/preview', { body: { ...debounced, count: PREVIEW_COUNT }, signal })),
    placeholderData: (previous) => previous,
    retry: false,
    enabled: ready(debounced),
  });
}

/** After any change: the playlist as the server answered, and its items and the lists refetched. */
function useSettle() {
  const queryClient = useQueryClient();
  return (playlist: Playlist) => {
    queryClient.setQueryData(playlistKeys.one(playlist.id), playlist);
    void queryClient.invalidateQueries({ queryKey: playlistKeys.items(playlist.id) });
    void queryClient.invalidateQueries({ queryKey: playlistKeys.tracks(playlist.id) });
    void queryClient.invalidateQueries({ queryKey: playlistKeys.mine });
  };
}

export function useCreatePlaylist() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async (body: Pick<Schemas['PlaylistIn'], 'name'> & Partial<Schemas['PlaylistIn']>) =>
      unwrap(await api.POST('/api/v1/playlists', { body: { description: '', visibility: 'private', kind: 'static', ...body } })),
    onSuccess: settle,
  });
}

export function useUpdatePlaylist(id: string) {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async (body: Schemas['PlaylistPatch']) =>
      unwrap(await api.PATCH('/api/v1/playlists/{playlist_id}', { params: { path: { playlist_id: id } }, body })),
    onSuccess: settle,
  });
}

export function useDeletePlaylist() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await api.DELETE('/api/v1/playlists/{playlist_id}', { params: { path: { playlist_id: id } } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: playlistKeys.all }),
  });
}

export function useDuplicatePlaylist() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/v1/playlists/{playlist_id}/duplicate', { params: { path: { playlist_id: id } }, body: {} })),
    onSuccess: settle,
  });
}

export type ItemChange =
  | { op: 'add'; track_ids: string[]; position?: number }
  | { op: 'remove'; item_ids: string[] }
  | { op: 'move'; item_ids: string[]; position: number }
  | { op: 'dedupe' }
  | { op: 'shuffle' };

/** Every change to a playlist's items, one mutation (`id`: the playlist). */
export function usePlaylistItemsChange() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async ({ id, change }: { id: string; change: ItemChange }): Promise<PlaylistChange> => {
      const path = { params: { path: { playlist_id: id } } };
      switch (change.op) {
        case 'add':
          return unwrap(await api.POST('/api/v1/playlists/{playlist_id}/items', { ...path, body: { track_ids: change.track_ids, position: change.position } }));
        case 'remove':
          return unwrap(await api.POST('/api/v1/playlists/{playlist_id}/items/remove', { ...path, body: { item_ids: change.item_ids } }));
        case 'move':
          return unwrap(await api.POST('/api/v1/playlists/{playlist_id}/items/move', { ...path, body: { item_ids: change.item_ids, position: change.position } }));
        case 'dedupe':
          return unwrap(await api.POST('/api/v1/playlists/{playlist_id}/items/dedupe', path));
        case 'shuffle':
          return unwrap(await api.POST('/api/v1/playlists/{playlist_id}/items/shuffle', path));
      }
    },
    onSuccess: (result) => settle(result.playlist),
  });
}

/** Import a Navidrome smart playlist file (`.nsp`) as a smart playlist. */
export function useImportNsp() {
  const api = useApi();
  const settle = useSettle();
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(await api.POST('/api/v1/playlists/smart/import', { body: { file: '' }, bodySerializer: () => form }));
    },
    onSuccess: settle,
  });
}

/** Download a smart playlist as a Navidrome `.nsp` file (fetched with the session, then saved). */
export function useDownloadNsp(id: string, name: string) {
  const api = useApi();
  return useMutation({
    mutationFn: async () => {
      const res = await api.GET('/api/v1/playlists/{playlist_id}/nsp', { params: { path: { playlist_id: id } }, parseAs: 'blob' });
      const blob = unwrap(res) as unknown as Blob;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/[^\w .()-]+/g, '_').trim() || 'playlist'}.nsp`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
}

/** Tonearm's playlists beside every connected service's (`all`), or one service's (its slug). */
export function useSourcePlaylists(source: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['playlists', 'source', source] as const,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/playlists', { params: { query: { source, limit: 100 } }, signal })),
    enabled: source !== 'tonearm',
    staleTime: 30_000,
  });
}
