import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { Album } from '../../api/types';
import { Cover } from '../../components/Cover';

/** Calls `onVisible` when the sentinel scrolls into view (infinite grids). */
export function LoadMoreSentinel({ onVisible, disabled, busy }: { onVisible: () => void; disabled?: boolean; busy?: boolean }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const cb = useRef(onVisible);
  cb.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || disabled || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && cb.current(), { rootMargin: '600px' });
    io.observe(el);
    return () => io.disconnect();
  }, [disabled]);
  if (disabled) return null;
  return (
    <div ref={ref} className="flex justify-center py-4">
      <button type="button" onClick={onVisible} disabled={busy} className="text-sm text-neutral-400 hover:text-white disabled:opacity-60">
        {busy ? 'Loading more…' : 'Load more'}
      </button>
    </div>
  );
}

export function AlbumCard({ album }: { album: Album }) {
  return (
    <li>
      <Link to={`/albums/${album.id}`} className="group block rounded-xl p-2 transition-colors hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
        <Cover seed={album.id} label={album.title} src={album.artwork?.medium} className="aspect-square w-full shadow-lg" rounded="lg" />
        <p className="mt-2 truncate text-sm font-medium text-white">{album.title}</p>
        <p className="truncate text-xs text-neutral-400">
          {album.artist?.name ?? 'Various artists'}
          {album.year ? ` · ${album.year}` : ''}
        </p>
      </Link>
    </li>
  );
}

export function AlbumGrid({ albums, label }: { albums: Album[]; label: string }) {
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
      {albums.map((a) => (
        <AlbumCard key={a.id} album={a} />
      ))}
    </ul>
  );
}
