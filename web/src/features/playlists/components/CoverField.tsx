import { useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../../api/problem';
import type { Playlist } from '../../../api/types';
import { useApi } from '../../../auth/AuthContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { playlistKeys } from '../api';

/** Upload a cover for the playlist (in place of the mosaic of its album covers), or remove it. */
export function CoverField({ playlist }: { playlist: Playlist }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: playlistKeys.all });
  const path = { params: { path: { playlist_id: playlist.id } } };
  const upload = useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        await api.PUT('/api/v1/playlists/{playlist_id}/cover', {
          ...path,
          body: {} as never,
          bodySerializer: () => file,
          headers: { 'Content-Type': file.type || 'application/octet-stream' },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      unwrap(await api.DELETE('/api/v1/playlists/{playlist_id}/cover', path));
    },
    onSuccess: refresh,
  });
  return (
    <div className="space-y-2 text-sm text-neutral-300">
      <span className="block">Cover</span>
      <div className="flex flex-wrap items-center gap-2">
        <label className="cursor-pointer rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-neutral-100 hover:bg-neutral-800">
          {upload.isPending ? 'Uploading…' : 'Upload an image'}
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            className="sr-only"
            aria-label="Cover image"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) upload.mutate(file);
              e.target.value = '';
            }}
          />
        </label>
        {playlist.cover_uploaded ? (
          <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate()}>
            Use the album covers
          </Button>
        ) : (
          <span className="text-xs text-neutral-500">Without one, the cover is made from the first four album covers.</span>
        )}
      </div>
      {upload.error ? <ErrorAlert error={upload.error} /> : null}
      {remove.error ? <ErrorAlert error={remove.error} /> : null}
    </div>
  );
}
