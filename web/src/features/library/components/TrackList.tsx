import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { SortOrder, Track, TrackSort } from '../../../api/types';
import { formatDuration } from '../../../lib/format';
import { useNowPlaying, usePlayerActionsOptional } from '../../../player/PlayerContext';
import { rowClick } from '../../../lib/rowClick';
import { Cover } from '../../../ui/Cover';
import { PauseIcon, PlayIcon } from '../../../ui/icons';
import { LoveButton } from '../../listening/components/LoveButton';
import { AddToPlaylistButton } from '../../playlists/components/AddToPlaylist';

export const ROW_HEIGHT = 56;

export interface SortState {
  sort: TrackSort;
  order: SortOrder;
  onSort: (sort: TrackSort) => void;
}

interface TrackListProps {
  tracks: Track[];
  /** Accessible name of the table. */
  label: string;
  sort?: SortState;
  hasMore?: boolean;
  loadingMore?: boolean;
  loadMore?: () => void;
  /** Play `tracks` starting at `index` (default: the whole list becomes the queue). */
  onPlay?: (index: number) => void;
  /** Rows rendered beyond the visible ones. */
  overscan?: number;
}

// # | title+artist | album | year | plays | love | duration
const GRID = 'grid grid-cols-[2.5rem_minmax(0,1fr)_4rem_3rem] md:grid-cols-[2.5rem_minmax(0,3fr)_minmax(0,2fr)_4rem_3.5rem] lg:grid-cols-[2.5rem_minmax(0,3fr)_minmax(0,2fr)_3.5rem_3.5rem_4rem_3.5rem] items-center gap-3';

function SortHeader({ label, column, sort, className = '' }: { label: string; column: TrackSort; sort?: SortState; className?: string }) {
  if (!sort) return <div role="columnheader" className={className}>{label}</div>;
  const active = sort.sort === column;
  return (
    <div role="columnheader" aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'} className={className}>
      <button
        type="button"
        onClick={() => sort.onSort(column)}
        className={`inline-flex items-center gap-1 rounded uppercase tracking-wide hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 ${active ? 'text-white' : ''}`}
      >
        {label}
        <span aria-hidden="true" className="text-[10px]">{active ? (sort.order === 'asc' ? '▲' : '▼') : ''}</span>
        <span className="sr-only">{active ? `, sorted ${sort.order === 'asc' ? 'ascending' : 'descending'}` : ', sort'}</span>
      </button>
    </div>
  );
}

/**
 * A virtualised track table: only the rows in (and near) the viewport are in the DOM, so it stays
 * smooth with 100k rows. Scrolls with the page (window virtualiser); loads more near the end.
 * Double-click or Enter on a row plays it; arrow keys move between rows.
 */
export function TrackList({ tracks, label, sort, hasMore, loadingMore, loadMore, onPlay, overscan = 8 }: TrackListProps) {
  const listRef = useRef<HTMLDivElement | null>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  const player = usePlayerActionsOptional();
  const nowPlaying = useNowPlaying();
  const [focusIndex, setFocusIndex] = useState(0);
  const pendingFocus = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => setScrollMargin(el.getBoundingClientRect().top + window.scrollY);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  // The first render holds the rows on screen only; the rows beyond them follow a task later
  // (on a phone's first load, a third fewer rows in the longest task).
  const [warm, setWarm] = useState(false);
  useEffect(() => {
    const id = setTimeout(() => setWarm(true), 0);
    return () => clearTimeout(id);
  }, []);

  const virtualizer = useWindowVirtualizer({
    count: tracks.length,
    estimateSize: () => ROW_HEIGHT,
    overscan: warm ? overscan : 0,
    scrollMargin,
    getItemKey: (i) => tracks[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();

  // Infinite loading: fetch the next page when the window gets near the end.
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (hasMore && !loadingMore && loadMore && lastIndex >= tracks.length - 1 - overscan * 2) loadMore();
  }, [lastIndex, tracks.length, hasMore, loadingMore, loadMore, overscan]);

  useEffect(() => {
    if (pendingFocus.current === null) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-index="${pendingFocus.current}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const play = (index: number) => {
    const t = tracks[index];
    if (!t?.streamable) return;
    if (onPlay) onPlay(index);
    else player?.playTracks(tracks, t.id);
  };

  const moveFocus = (to: number) => {
    const i = Math.max(0, Math.min(tracks.length - 1, to));
    setFocusIndex(i);
    pendingFocus.current = i;
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onRowKey = (e: KeyboardEvent<HTMLDivElement>, index: number) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor(window.innerHeight / ROW_HEIGHT) - 2);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveFocus(index + 1),
      ArrowUp: () => moveFocus(index - 1),
      PageDown: () => moveFocus(index + page),
      PageUp: () => moveFocus(index - page),
      Home: () => moveFocus(0),
      End: () => moveFocus(tracks.length - 1),
      Enter: () => play(index),
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  return (
    <>
      <div role="table" aria-label={label} aria-rowcount={tracks.length + 1} className="text-sm">
        <div role="rowgroup" className="sticky top-14 z-10 border-b border-neutral-800 bg-neutral-950/95 backdrop-blur">
          <div role="row" aria-rowindex={1} className={`${GRID} h-9 px-2 text-xs uppercase tracking-wide text-neutral-500`}>
            <div role="columnheader" className="text-center">
              #
            </div>
            <SortHeader label="Title" column="title" sort={sort} />
            <div role="columnheader" className="hidden md:block">
              Album
            </div>
            <SortHeader label="Year" column="year" sort={sort} className="hidden lg:block" />
            <SortHeader label="Plays" column="plays" sort={sort} className="hidden lg:block" />
            <div role="columnheader">
              <span className="sr-only">Love, add to playlist</span>
            </div>
            <SortHeader label="Time" column="duration" sort={sort} className="text-right" />
          </div>
        </div>
        <div role="rowgroup" ref={listRef} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const track = tracks[item.index]!;
            const isCurrent = nowPlaying.trackId === track.id;
            const blocked = !track.streamable;
            const badge = track.status === 'ready' ? null : track.status;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-current={isCurrent ? 'true' : undefined}
                data-index={item.index}
                tabIndex={item.index === focusIndex ? 0 : -1}
                onFocus={() => setFocusIndex(item.index)}
                onClick={rowClick(() => play(item.index), isCurrent)}
                onKeyDown={(e) => onRowKey(e, item.index)}
                className={`${GRID} group absolute left-0 top-0 w-full ${blocked ? 'cursor-default' : 'cursor-pointer'} rounded-lg px-2 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 ${
                  isCurrent ? 'bg-neutral-800/70' : 'hover:bg-neutral-900'
                }`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start - scrollMargin}px)` }}
              >
                <div role="cell" className="flex justify-center">
                  <span className={`hidden tabular-nums text-neutral-500 md:group-hover:hidden md:group-focus-within:hidden ${isCurrent ? '' : 'md:inline'}`}>{item.index + 1}</span>
                  <button
                    type="button"
                    tabIndex={-1}
                    disabled={blocked}
                    onClick={() => (isCurrent ? player?.toggle() : play(item.index))}
                    aria-label={blocked ? `${track.title} cannot be played (${track.status})` : `Play ${track.title}`}
                    className={`rounded-full p-1.5 text-white hover:text-accent-300 disabled:cursor-not-allowed disabled:text-neutral-600 inline-flex md:group-hover:inline-flex md:group-focus-within:inline-flex ${isCurrent ? 'text-accent-400' : 'md:hidden'}`}
                  >
                    {isCurrent && nowPlaying.playing ? <PauseIcon className="h-4 w-4" /> : <PlayIcon className="h-4 w-4" />}
                  </button>
                </div>
                <div role="cell" className="flex min-w-0 items-center gap-3">
                  <Cover seed={track.album?.id ?? track.id} label={track.album?.title ?? track.title} src={track.artwork?.small} className="h-9 w-9" />
                  <div className="min-w-0">
                    <p className={`truncate font-medium ${isCurrent ? 'text-accent-300' : 'text-white'}`}>{track.title}</p>
                    <p className="truncate text-xs text-neutral-400">
                      {track.artists[0] ? (
                        <Link to={`/artists/${track.artists[0].id}`} tabIndex={-1} className="hover:text-white hover:underline">
                          {track.artist_name}
                        </Link>
                      ) : (
                        track.artist_name
                      )}
                      {badge && (
                        <span className="ml-2 rounded bg-amber-900/50 px-1.5 py-0.5 text-[10px] uppercase tracking-wide text-amber-200">
                          {badge}
                        </span>
                      )}
                    </p>
                  </div>
                </div>
                <div role="cell" className="hidden min-w-0 truncate text-neutral-400 md:block">
                  {track.album ? (
                    <Link to={`/albums/${track.album.id}`} tabIndex={-1} className="hover:text-white hover:underline">
                      {track.album.title}
                    </Link>
                  ) : (
                    '—'
                  )}
                </div>
                <div role="cell" className="hidden tabular-nums text-neutral-400 lg:block">
                  {track.year ?? ''}
                </div>
                <div role="cell" className="hidden tabular-nums text-neutral-400 lg:block">
                  {track.play_count}
                </div>
                <div role="cell" className="flex">
                  <LoveButton track={track} />
                  <AddToPlaylistButton track={track} />
                </div>
                <div role="cell" className="text-right tabular-nums text-neutral-400">
                  {formatDuration(track.duration)}
                </div>
              </div>
            );
          })}
        </div>
      </div>
      {/* Outside the table: a table's children are rowgroups and rows only. */}
      {(hasMore || loadingMore) && (
        <div className="flex justify-center py-4">
          <button type="button" onClick={loadMore} disabled={loadingMore} className="text-sm text-neutral-400 hover:text-white disabled:opacity-60">
            {loadingMore ? 'Loading more…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}
