import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { AlbumGrid } from '../../library/components/AlbumGrid';
import { SimpleTrackList } from '../../library/components/SimpleTrackList';
import { useSearch } from '../api';
import { SEARCH_DEBOUNCE_MS } from '../components/SearchBox';

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [value, setValue] = useState(q);
  const debounced = useDebouncedValue(value.trim(), SEARCH_DEBOUNCE_MS);
  useEffect(() => setValue(q), [q]);
  useEffect(() => {
    if (debounced !== q.trim()) setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, q, setParams]);
  const { data, isPending, isError, error, isFetching } = useSearch(debounced, 50);
  const empty = data && data.tracks.length + data.albums.length + data.artists.length === 0;
  return (
    <div className="space-y-6">
      <PageHeader title="Search" />
      <input
        type="search"
        aria-label="Search the library"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder="Tracks, albums, artists"
        autoFocus={!q}
        className="w-full rounded-xl border border-neutral-700 bg-neutral-900 px-4 py-3 text-neutral-100 placeholder:text-neutral-500 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/40"
      />
      {!debounced ? (
        <EmptyState>Type to search your library and everything shared with you.</EmptyState>
      ) : isPending && isFetching ? (
        <Loading label="Searching…" />
      ) : isError ? (
        <ErrorAlert error={error} />
      ) : empty ? (
        <EmptyState>No matches for “{debounced}”.</EmptyState>
      ) : data ? (
        <>
          {data.tracks.length > 0 && (
            <section aria-labelledby="search-tracks">
              <h2 id="search-tracks" className="mb-2 text-lg font-semibold text-white">
                Tracks
              </h2>
              <SimpleTrackList tracks={data.tracks} label="Matching tracks" />
            </section>
          )}
          {data.albums.length > 0 && (
            <section aria-labelledby="search-albums">
              <h2 id="search-albums" className="mb-2 text-lg font-semibold text-white">
                Albums
              </h2>
              <AlbumGrid albums={data.albums} label="Matching albums" />
            </section>
          )}
          {data.artists.length > 0 && (
            <section aria-labelledby="search-artists">
              <h2 id="search-artists" className="mb-2 text-lg font-semibold text-white">
                Artists
              </h2>
              <ul aria-label="Matching artists" className="flex flex-wrap gap-2">
                {data.artists.map((a) => (
                  <li key={a.id}>
                    <Link to={`/artists/${a.id}`} className="flex items-center gap-2 rounded-full border border-neutral-800 py-1 pl-1 pr-4 text-sm text-white hover:bg-neutral-900">
                      <Cover seed={a.id} label={a.name} className="h-8 w-8" rounded="full" />
                      {a.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      ) : null}
    </div>
  );
}
