import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { API_PREFIX } from '../../api/client';
import { useKeysetInfinite } from '../../api/infinite';
import { toApiError, unwrap } from '../../api/problem';
import { holds, patchTrackInCache } from '../../api/trackCache';
import type { SortOrder, TrackDetail, TrackPatch, TrackSort, UploadResult, Visibility } from '../../api/types';
import { useApi } from '../../auth/AuthContext';
import type { TokenManager } from '../../auth/tokenManager';

export const PAGE_SIZE = 100;
export const ALBUMS_PAGE_SIZE = 60;
export const ARTISTS_PAGE_SIZE = 100;

export interface TrackFilters {
  sort: TrackSort;
  order: SortOrder;
  artist_id?: string;
  album_id?: string;
  genre?: string;
  year?: number;
  mine?: boolean;
}

export type AlbumSort = 'title' | 'year' | 'created';

/**
 * Query keys, all under `library`. A key without its last part is the prefix of every query of
 * that kind (`tracks` matches every track list, `album` every album page).
 */
export const libraryKeys = {
  all: ['library'] as const,
  tracks: ['library', 'tracks'] as const,
  trackList: (filters: TrackFilters) => ['library', 'tracks', filters] as const,
  track: ['library', 'track'] as const,
  trackDetail: (id: string) => ['library', 'track', id] as const,
  albums: ['library', 'albums'] as const,
  albumList: (sort: AlbumSort, order: SortOrder) => ['library', 'albums', { sort, order }] as const,
  album: ['library', 'album'] as const,
  albumDetail: (id: string) => ['library', 'album', id] as const,
  artists: ['library', 'artists'] as const,
  artist: ['library', 'artist'] as const,
  artistDetail: (id: string) => ['library', 'artist', id] as const,
  genres: ['library', 'genres'] as const,
};

/** Keyset-paginated tracks: pages are fetched with the previous page's next_cursor. */
export function useTracksInfinite(filters: TrackFilters) {
  const api = useApi();
  return useKeysetInfinite(
    libraryKeys.trackList(filters),
    async (cursor, signal) => unwrap(await api.GET('/api/v1/library/tracks', { params: { query: { ...filters, limit: PAGE_SIZE, cursor } }, signal })),
    { meta: holds('tracks') },
  );
}

export function useAlbumsInfinite(sort: AlbumSort, order: SortOrder) {
  const api = useApi();
  return useKeysetInfinite(libraryKeys.albumList(sort, order), async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/library/albums', { params: { query: { sort, order, limit: ALBUMS_PAGE_SIZE, cursor } }, signal })),
  );
}

export function useGenres() {
  const api = useApi();
  return useQuery({
    queryKey: libraryKeys.genres,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/genres', { signal })).items,
  });
}

export function useArtistsInfinite() {
  const api = useApi();
  return useKeysetInfinite(libraryKeys.artists, async (cursor, signal) =>
    unwrap(await api.GET('/api/v1/library/artists', { params: { query: { limit: ARTISTS_PAGE_SIZE, cursor } }, signal })),
  );
}

export function useAlbum(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: libraryKeys.albumDetail(id),
    meta: holds('tracks'),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/albums/{album_id}', { params: { path: { album_id: id } }, signal })),
  });
}

export function useArtist(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: libraryKeys.artistDetail(id),
    meta: holds('tracks'),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/artists/{artist_id}', { params: { path: { artist_id: id } }, signal })),
  });
}

export function useTrack(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: libraryKeys.trackDetail(id),
    meta: holds('tracks'),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/tracks/{track_id}', { params: { path: { track_id: id } }, signal })),
  });
}

/** PATCH a track's tags; the track is updated wherever it is cached and the lists refetch. */
export function useUpdateTrack(id: string, options: { onSuccess?: (updated: TrackDetail) => void } = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TrackPatch) => unwrap(await api.PATCH('/api/v1/library/tracks/{track_id}', { params: { path: { track_id: id } }, body })),
    onSuccess: (updated) => {
      options.onSuccess?.(updated);
      queryClient.setQueryData(libraryKeys.trackDetail(id), updated);
      patchTrackInCache(queryClient, id, updated);
      void queryClient.invalidateQueries({ queryKey: libraryKeys.tracks });
      void queryClient.invalidateQueries({ queryKey: libraryKeys.albums });
      void queryClient.invalidateQueries({ queryKey: libraryKeys.album });
      void queryClient.invalidateQueries({ queryKey: libraryKeys.artists });
    },
  });
}

/** DELETE a track; everything cached is refetched (it may be in any list). */
export function useDeleteTrack(id: string, options: { onSuccess?: () => void } = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/library/tracks/{track_id}', { params: { path: { track_id: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries();
      options.onSuccess?.();
    },
  });
}

/** After an upload was processed (or failed): refetch the lists it may appear in and its track page. */
export function invalidateAfterUpload(queryClient: QueryClient, trackId: string) {
  void queryClient.invalidateQueries({ queryKey: libraryKeys.tracks });
  void queryClient.invalidateQueries({ queryKey: libraryKeys.trackDetail(trackId) });
  void queryClient.invalidateQueries({ queryKey: libraryKeys.albums });
  void queryClient.invalidateQueries({ queryKey: libraryKeys.artists });
  void queryClient.invalidateQueries({ queryKey: libraryKeys.genres });
}

/** Default sort direction when a column is first picked. */
export function defaultOrder(sort: TrackSort): SortOrder {
  return sort === 'title' ? 'asc' : 'desc';
}

// Uploads: one XHR per file (fetch has no upload progress).

export interface UploadOptions {
  visibility?: Visibility;
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  baseUrl?: string;
}

function parseBody(xhr: XMLHttpRequest): unknown {
  try {
    return xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
  } catch {
    return xhr.responseText;
  }
}

function xhrResponse(xhr: XMLHttpRequest): Response {
  const headers = new Headers();
  const retry = xhr.getResponseHeader('Retry-After');
  if (retry) headers.set('Retry-After', retry);
  // Response() rejects statuses outside 200..599; a 0 means the request never completed.
  return new Response(null, { status: xhr.status >= 200 ? xhr.status : 599, statusText: xhr.statusText, headers });
}

/** One POST /library/uploads with one file, via XHR for upload progress. */
function send(file: File, token: string | null, opts: UploadOptions): Promise<{ status: number; body: unknown; response: Response }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${opts.baseUrl ?? ''}${API_PREFIX}/library/uploads`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded, e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: parseBody(xhr), response: xhrResponse(xhr) });
    xhr.onerror = () => reject(new TypeError('Network error during upload'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('files', file, file.name);
    if (opts.visibility) form.append('visibility', opts.visibility);
    xhr.send(form);
  });
}

/**
 * Upload one file. Refreshes the access token once on a 401 and retries; any other non-2xx
 * answer rejects with an ApiError carrying the problem's title and code.
 */
export async function uploadFile(file: File, tokens: TokenManager, opts: UploadOptions = {}): Promise<UploadResult> {
  let res = await send(file, tokens.getAccessToken(), opts);
  if (res.status === 401) {
    const pair = await tokens.refresh().catch(() => null);
    if (pair) res = await send(file, pair.access_token, opts);
  }
  if (res.status < 200 || res.status >= 300) throw toApiError(res.body, res.response);
  return res.body as UploadResult;
}

