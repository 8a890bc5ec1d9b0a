import { Link, useNavigate } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { NewPlaylistForm } from '../components/NewPlaylistForm';
import { useImportNsp, useMyPlaylists } from '../api';

const VISIBILITY_LABEL = { private: 'Private', unlisted: 'Unlisted', public: 'Public' } as const;

export function PlaylistsPage() {
  const q = useMyPlaylists();
  const playlists = flattenPages(q.data);
  const navigate = useNavigate();
  const importNsp = useImportNsp();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Playlists"
        subtitle="Your playlists. Add tracks from any track row, album or the player."
        actions={
          <Link to="/playlists/import" className="rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
            Import a file
          </Link>
        }
      />
      <div className="flex flex-wrap items-start gap-3">
        <NewPlaylistForm className="max-w-md flex-1" placeholder="New playlist name" submitLabel="New playlist" onCreated={(made) => navigate(`/playlists/${made.id}`)} />
        <Link to="/playlists/smart/new" className="inline-flex items-center gap-2 rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
          New smart playlist
        </Link>
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800 focus-within:ring-2 focus-within:ring-accent-400">
          {importNsp.isPending ? 'Importing…' : 'Import Navidrome .nsp'}
          <input
            type="file"
            accept=".nsp,application/json"
            className="sr-only"
            aria-label="Import a Navidrome smart playlist (.nsp)"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const made = await importNsp.mutateAsync(file).catch(() => null);
              if (made) void navigate(`/playlists/${made.id}`);
            }}
          />
        </label>
      </div>
      {importNsp.error ? <ErrorAlert error={importNsp.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : playlists.length === 0 ? (
        <EmptyState>No playlists yet. Name one above, or use the + on any track.</EmptyState>
      ) : (
        <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5" aria-label="Your playlists">
          {playlists.map((p) => (
            <li key={p.id}>
              <Link to={`/playlists/${p.id}`} className="group block rounded-xl p-2 hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
                <Cover seed={p.id} label={p.name} src={p.cover?.medium} className="aspect-square w-full" rounded="lg" />
                <p className="mt-2 truncate font-medium text-white">{p.name}</p>
                <p className="truncate text-xs text-neutral-400">
                  {p.kind === 'smart' && 'Smart · '}
                  {p.item_count} {p.item_count === 1 ? 'track' : 'tracks'} · {VISIBILITY_LABEL[p.visibility]}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
