import { Link } from 'react-router';
import { ErrorAlert } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { useGenres } from '../api';

/** Every genre in the library (a track may have several), with how much of it there is. */
export function GenresPage() {
  const q = useGenres();
  return (
    <div>
      <PageHeader title="Genres" subtitle="From the genre tags of your tracks and the public ones." />
      {q.isPending ? (
        <Loading label="Loading genres…" />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : q.data.length === 0 ? (
        <EmptyState>No genres yet: they come from the tracks' genre tags.</EmptyState>
      ) : (
        <ul aria-label="Genres" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          {q.data.map((g) => (
            <li key={g.name}>
              <Link
                to={`/genres/${encodeURIComponent(g.name)}`}
                className="block rounded-xl border border-neutral-800 bg-neutral-900/60 px-4 py-3 transition-colors hover:border-accent-500/60 hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400"
              >
                <span className="block truncate font-medium text-white">{g.name}</span>
                <span className="text-xs text-neutral-400">
                  {g.track_count} track{g.track_count === 1 ? '' : 's'} · {g.album_count} album{g.album_count === 1 ? '' : 's'}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
