import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import { Button } from '../../../ui/Button';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { PlusIcon } from '../../../ui/icons';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useCreatePlaylist, useMyPlaylists } from '../api';

const VISIBILITY_LABEL = { private: 'Private', unlisted: 'Unlisted', public: 'Public' } as const;

export function PlaylistsPage() {
  const q = useMyPlaylists();
  const playlists = flattenPages(q.data);
  const create = useCreatePlaylist();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = await create.mutateAsync({ name: name.trim() });
    setName('');
    void navigate(`/playlists/${made.id}`);
  };
  return (
    <div className="space-y-6">
      <PageHeader title="Playlists" subtitle="Your playlists. Add tracks from any track row, album or the player." />
      <form onSubmit={(e) => void submit(e)} className="flex max-w-md gap-2">
        <label htmlFor="playlist-name" className="sr-only">
          New playlist name
        </label>
        <input
          id="playlist-name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          placeholder="New playlist name"
          className="min-w-0 flex-1 rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-white placeholder:text-neutral-500 focus:border-accent-400 focus:outline-none"
        />
        <Button type="submit" disabled={!name.trim()} busy={create.isPending}>
          <PlusIcon className="h-4 w-4" /> New playlist
        </Button>
      </form>
      {create.error && <ErrorAlert error={create.error} />}
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
