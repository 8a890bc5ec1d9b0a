import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { flattenPages } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import { useApi, useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../ui/feedback';
import { UploadIcon } from '../../ui/icons';
import { Loading } from '../../ui/PageHeader';
import { VerifyBanner } from '../accounts/components/VerifyBanner';
import { libraryKeys } from '../library/api';
import { AlbumGrid, type AlbumCardData } from '../library/components/AlbumGrid';
import { ShuffleButton } from '../library/components/ShuffleButton';
import { SimpleTrackList } from '../library/components/SimpleTrackList';
import { useHistoryInfinite, useLovesInfinite } from '../listening/api';

const SHELF = 10;

function greeting(now = new Date()): string {
  const h = now.getHours();
  if (h < 5) return 'Late-night listening';
  if (h < 12) return 'Good morning';
  if (h < 18) return 'Good afternoon';
  return 'Good evening';
}

function Shelf({ id, title, to, children }: { id: string; title: string; to?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id={id} className="text-lg font-semibold text-white">
          {title}
        </h2>
        {to && (
          <Link to={to} className="text-sm text-neutral-400 hover:text-white hover:underline">
            Show all
          </Link>
        )}
      </div>
      {children}
    </section>
  );
}

/** What an empty library says: how to fill it, with the buttons to do it. */
function EmptyLibrary({ admin }: { admin: boolean }) {
  return (
    <section aria-labelledby="empty-library" className="rounded-2xl border border-dashed border-neutral-700 bg-neutral-900/40 p-6 sm:p-8">
      <h2 id="empty-library" className="text-xl font-semibold text-white">
        Your library is empty
      </h2>
      <p className="mt-2 max-w-xl text-sm text-neutral-300">
        Upload audio files from this device, {admin ? 'or add a folder of music on the server and scan it' : 'or ask the admin of this server to add a folder of music'}. Tags and artwork are read from the files.
      </p>
      <div className="mt-4 flex flex-wrap gap-2">
        <Link to="/upload" className="inline-flex items-center gap-2 rounded-lg bg-accent-500 px-4 py-2 text-sm font-semibold text-neutral-950 hover:bg-accent-400">
          <UploadIcon className="h-4 w-4" /> Upload music
        </Link>
        {admin && (
          <Link to="/admin/folders" className="inline-flex items-center gap-2 rounded-lg border border-neutral-700 px-4 py-2 text-sm text-neutral-200 hover:bg-neutral-800">
            Scan a folder
          </Link>
        )}
      </div>
    </section>
  );
}

export function HomePage() {
  const { user } = useAuth();
  const api = useApi();
  const recent = useQuery({
    queryKey: [...libraryKeys.albums, 'home', 'recent'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/albums', { params: { query: { sort: 'created', order: 'desc', limit: SHELF } }, signal })).items,
  });
  const most = useQuery({
    queryKey: [...libraryKeys.tracks, 'home', 'most-played'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/library/tracks', { params: { query: { sort: 'plays', order: 'desc', limit: SHELF } }, signal })).items,
  });
  const history = useHistoryInfinite();
  const loves = useLovesInfinite();
  if (!user) return null;
  const name = user.display_name || user.username;
  const played = flattenPages(history.data);
  const mostPlayed = (most.data ?? []).filter((t) => t.play_count > 0);
  const lovedAlbums: AlbumCardData[] = [];
  const seen = new Set<string>();
  for (const t of flattenPages(loves.data)) {
    if (t.album && !seen.has(t.album.id) && lovedAlbums.length < SHELF) {
      seen.add(t.album.id);
      lovedAlbums.push({ ...t.album, artwork: t.artwork });
    }
  }
  const empty = recent.isSuccess && recent.data.length === 0 && most.isSuccess && most.data.length === 0;

  return (
    <div className="space-y-8">
      <section className="overflow-hidden rounded-2xl border border-neutral-800 bg-gradient-to-br from-accent-600/25 via-neutral-900 to-neutral-950 p-6 sm:p-8">
        <p className="text-sm uppercase tracking-widest text-accent-300">{greeting()}</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight text-white sm:text-4xl">Welcome, {name}</h1>
        {!empty && (
          <div className="mt-4 flex flex-wrap gap-2">
            <ShuffleButton filters={{}} label="Shuffle my library" variant="primary" />
          </div>
        )}
      </section>
      <VerifyBanner />
      {recent.isPending || most.isPending ? (
        <Loading label="Loading your library…" />
      ) : recent.isError ? (
        <ErrorAlert error={recent.error} />
      ) : empty ? (
        <EmptyLibrary admin={user.role === 'admin'} />
      ) : (
        <>
          {recent.data.length > 0 && (
            <Shelf id="home-recent" title="Recently added" to="/albums?sort=created">
              <AlbumGrid albums={recent.data} label="Recently added" eager={5} />
            </Shelf>
          )}
          {played.length > 0 && (
            <Shelf id="home-played" title="Recently played" to="/history">
              <SimpleTrackList tracks={played.slice(0, SHELF).map((i) => i.track)} label="Recently played" keyOf={(t, i) => `${t.id}-${i}`} />
            </Shelf>
          )}
          {mostPlayed.length > 0 && (
            <Shelf id="home-most" title="Most played" to="/library?sort=plays">
              <SimpleTrackList tracks={mostPlayed} label="Most played" />
            </Shelf>
          )}
          {lovedAlbums.length > 0 && (
            <Shelf id="home-loved" title="Loved albums" to="/loves">
              <AlbumGrid albums={lovedAlbums} label="Loved albums" />
            </Shelf>
          )}
        </>
      )}
    </div>
  );
}
