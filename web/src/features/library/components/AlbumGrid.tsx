import { Link } from 'react-router';
import type { Album } from '../../../api/types';
import { Cover } from '../../../ui/Cover';

/** What a card shows: an album, or the album of a track (with the track's artwork). */
export type AlbumCardData = Pick<Album, 'id' | 'title' | 'artist' | 'year'> & { artwork?: { medium?: string | null } | null };

export function AlbumCard({ album }: { album: AlbumCardData }) {
  return (
    <li>
      <Link to={`/albums/${album.id}`} className="group block rounded-xl p-2 transition-colors hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
        <Cover seed={album.id} label={album.title} src={album.artwork?.medium ?? undefined} className="aspect-square w-full shadow-lg" rounded="lg" />
        <p className="mt-2 truncate text-sm font-medium text-white">{album.title}</p>
        <p className="truncate text-xs text-neutral-400">
          {album.artist?.name ?? 'Various artists'}
          {album.year ? ` · ${album.year}` : ''}
        </p>
      </Link>
    </li>
  );
}

export function AlbumGrid({ albums, label }: { albums: AlbumCardData[]; label: string }) {
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
      {albums.map((a) => (
        <AlbumCard key={a.id} album={a} />
      ))}
    </ul>
  );
}
