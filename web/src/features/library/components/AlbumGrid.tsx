import { Link } from 'react-router';
import type { Album } from '../../../api/types';
import { Cover } from '../../../ui/Cover';

/** What a card shows: an album, or the album of a track (with the track's artwork). */
export type AlbumCardData = Pick<Album, 'id' | 'title' | 'artist' | 'year'> & { artwork?: { medium?: string | null } | null };

/** `priority`: the card is in the first row, above the fold (its cover is fetched at once). */
export function AlbumCard({ album, priority = false }: { album: AlbumCardData; priority?: boolean }) {
  return (
    <li>
      <Link to={`/albums/${album.id}`} className="group block rounded-xl p-2 transition-colors hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
        <Cover seed={album.id} label={album.title} src={album.artwork?.medium ?? undefined} className="aspect-square w-full shadow-lg" rounded="lg" priority={priority} />
        <p className="mt-2 truncate text-sm font-medium text-white">{album.title}</p>
        <p className="truncate text-xs text-neutral-400">
          {album.artist?.name ?? 'Various artists'}
          {album.year ? ` · ${album.year}` : ''}
        </p>
      </Link>
    </li>
  );
}

/** `eager`: how many first cards are above the fold (a row at the widest: 5); 0 for a grid lower down. */
export function AlbumGrid({ albums, label, eager = 0 }: { albums: AlbumCardData[]; label: string; eager?: number }) {
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
      {albums.map((a, i) => (
        <AlbumCard key={a.id} album={a} priority={i < eager} />
      ))}
    </ul>
  );
}
