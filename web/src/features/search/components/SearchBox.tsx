import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import type { Album, Artist, Track } from '../../../api/types';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { usePlayerActionsOptional } from '../../../player/PlayerContext';
import { Cover } from '../../../ui/Cover';
import { SearchIcon } from '../../../ui/icons';
import { useSearch } from '../api';

export const SEARCH_DEBOUNCE_MS = 150;

type Option =
  | { kind: 'track'; id: string; track: Track }
  | { kind: 'album'; id: string; album: Album }
  | { kind: 'artist'; id: string; artist: Artist }
  | { kind: 'all'; id: string };

const GROUP_LABEL: Record<Option['kind'], string> = { track: 'Tracks', album: 'Albums', artist: 'Artists', all: '' };

/** Top-bar search: instant results (debounced), keyboard navigation (combobox + listbox). */
export function SearchBox({ className = '' }: { className?: string }) {
  const [value, setValue] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebouncedValue(value.trim(), SEARCH_DEBOUNCE_MS);
  const { data, isFetching } = useSearch(debounced, 5);
  const navigate = useNavigate();
  const player = usePlayerActionsOptional();
  const listId = useId();
  const inputRef = useRef<HTMLInputElement | null>(null);

  const options = useMemo<Option[]>(() => {
    if (!data || !debounced) return [];
    return [
      ...data.tracks.map((t) => ({ kind: 'track' as const, id: `t-${t.id}`, track: t })),
      ...data.albums.map((a) => ({ kind: 'album' as const, id: `al-${a.id}`, album: a })),
      ...data.artists.map((a) => ({ kind: 'artist' as const, id: `ar-${a.id}`, artist: a })),
      { kind: 'all' as const, id: 'all' },
    ];
  }, [data, debounced]);

  const showList = open && debounced.length > 0 && (options.length > 0 || !isFetching);

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  const choose = (opt: Option | undefined) => {
    if (!opt || opt.kind === 'all') {
      if (value.trim()) navigate(`/search?q=${encodeURIComponent(value.trim())}`);
    } else if (opt.kind === 'track') {
      if (opt.track.streamable) player?.playTracks([opt.track]);
      else navigate(`/tracks/${opt.track.id}`);
    } else if (opt.kind === 'album') navigate(`/albums/${opt.album.id}`);
    else navigate(`/artists/${opt.artist.id}`);
    close();
    inputRef.current?.blur();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      if (options.length) setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (options.length) setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(active >= 0 ? options[active] : undefined);
    } else if (e.key === 'Escape') {
      if (open) close();
      else setValue('');
    }
  };

  let lastKind: Option['kind'] | null = null;
  return (
    <div className={`relative ${className}`}>
      <SearchIcon className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-neutral-500" />
      <input
        ref={inputRef}
        type="search"
        role="combobox"
        aria-label="Search"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? `${listId}-${options[active]?.id}` : undefined}
        placeholder="Search tracks, albums, artists"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={close}
        onKeyDown={onKeyDown}
        className="w-full rounded-full border border-neutral-800 bg-neutral-900 py-1.5 pl-9 pr-3 text-sm text-neutral-100 placeholder:text-neutral-500 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/40"
      />
      {showList && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Search results"
          className="absolute left-0 right-0 top-full z-50 mt-2 max-h-[70vh] min-w-72 overflow-y-auto rounded-xl border border-neutral-800 bg-neutral-950 p-1 shadow-2xl"
          onMouseDown={(e) => e.preventDefault()} // keep focus in the input so the click lands
        >
          {options.length === 1 && (
            <li role="presentation" className="px-3 py-2 text-sm text-neutral-400">
              No matches for “{debounced}”.
            </li>
          )}
          {options.map((opt, i) => {
            const header = opt.kind !== lastKind && opt.kind !== 'all' ? GROUP_LABEL[opt.kind] : null;
            lastKind = opt.kind;
            const cls = `flex cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 text-sm ${i === active ? 'bg-neutral-800 text-white' : 'text-neutral-200 hover:bg-neutral-900'}`;
            const common = { id: `${listId}-${opt.id}`, role: 'option' as const, 'aria-selected': i === active, onClick: () => choose(opt), onMouseEnter: () => setActive(i) };
            return (
              <li key={opt.id} role="presentation">
                {header && <p className="px-2 pb-1 pt-2 text-[11px] font-semibold uppercase tracking-wider text-neutral-500">{header}</p>}
                {opt.kind === 'track' && (
                  <div {...common} className={cls}>
                    <Cover seed={opt.track.album?.id ?? opt.track.id} label={opt.track.album?.title ?? opt.track.title} src={opt.track.artwork?.small} className="h-8 w-8" />
                    <span className="min-w-0">
                      <span className="block truncate">{opt.track.title}</span>
                      <span className="block truncate text-xs text-neutral-400">{opt.track.artist_name}</span>
                    </span>
                  </div>
                )}
                {opt.kind === 'album' && (
                  <div {...common} className={cls}>
                    <Cover seed={opt.album.id} label={opt.album.title} src={opt.album.artwork?.small} className="h-8 w-8" />
                    <span className="min-w-0">
                      <span className="block truncate">{opt.album.title}</span>
                      <span className="block truncate text-xs text-neutral-400">{opt.album.artist?.name ?? 'Album'}</span>
                    </span>
                  </div>
                )}
                {opt.kind === 'artist' && (
                  <div {...common} className={cls}>
                    <Cover seed={opt.artist.id} label={opt.artist.name} className="h-8 w-8" rounded="full" />
                    <span className="truncate">{opt.artist.name}</span>
                  </div>
                )}
                {opt.kind === 'all' && (
                  <div {...common} className={`${cls} mt-1 border-t border-neutral-800 text-accent-300`}>
                    <SearchIcon className="h-4 w-4" /> All results for “{debounced}”
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
