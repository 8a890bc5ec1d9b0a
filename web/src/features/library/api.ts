import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useKeysetInfinite } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import type { SortOrder, Track, TrackSort } from '../../api/types';
import { useApi } from '../../auth/AuthContext';

export const PAGE_SIZE = 100;

export interface TrackFilters {
  sort: TrackSort;
  order: SortOrder;
  artist_id?: string;
  album_id?: string;
  genre?: string;
  year?: number;
  mine?: boolean;
}

/** Keyset-paginated tracks: pages are fetched with the previous page's next_cursor. */
export function useTracksInfinite(filters: TrackFilters) {
  const api = useApi();
  return useKeysetInfinite(['tracks', filters], async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/library/tracks', { params: { query: { ...filters, limit: PAGE_SIZE, cursor } }, signal })),
  );
}

export function useAlbumsInfinite(sort: 'title' | 'year' | 'created', order: SortOrder) {
  const api = useApi();
  return useKeysetInfinite(['albums', { sort, order }], async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/library/albums', { params: { query: { sort, order, limit: 60, cursor } }, signal })),
  );
}

export function useArtistsInfinite() {
  const api = useApi();
  return useKeysetInfinite(['artists'], async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/library/artists', { params: { query: { limit: 100, cursor } }, signal })),
  );
}

export function useAlbum(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['album', id],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/albums/{album_id}', { params: { path: { album_id: id } }, signal })),
  });
}

export function useArtist(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['artist', id],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/artists/{artist_id}', { params: { path: { artist_id: id } }, signal })),
  });
}

export function useTrack(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['track', id],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/tracks/{track_id}', { params: { path: { track_id: id } }, signal })),
  });
}

export function useLovesInfinite() {
  const api = useApi();
  return useKeysetInfinite(['loves'], async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/me/loves', { params: { query: { limit: PAGE_SIZE, cursor } }, signal })),
  );
}

export function useHistoryInfinite() {
  const api = useApi();
  return useKeysetInfinite(['history'], async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/me/history', { params: { query: { limit: 50, cursor } }, signal })),
  );
}

export function useSearch(q: string, limit = 8) {
  const api = useApi();
  const query = q.trim();
  return useQuery({
    queryKey: ['search', query, limit],
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/search', { params: { query: { q: query, limit } }, signal })),
  });
}

/** Default sort direction when a column is first picked. */
export function defaultOrder(sort: TrackSort): SortOrder {
  return sort === 'title' ? 'asc' : 'desc';
}

export type { Track };
