import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Track } from '../../../api/types';
import { formatDuration } from '../../../lib/format';
import { useNowPlaying, usePlayerActionsOptional } from '../../../player/PlayerContext';
import { rowClick } from '../../../lib/rowClick';
import { Cover } from '../../../ui/Cover';
import { PauseIcon, PlayIcon } from '../../../ui/icons';
import { LoveButton } from '../../listening/components/LoveButton';
import { AddToPlaylistButton } from '../../playlists/components/AddToPlaylist';

interface Props {
  tracks: Track[];
  label: string;
  /** What the first column shows. */
  numbering?: 'index' | 'track';
  showCover?: boolean;
  showAlbum?: boolean;
  /** Extra text under the artist (e.g. when it was played). */
  note?: (track: Track, index: number) => ReactNode;
  /** Play from `index`; default plays `tracks` as the queue. */
  onPlay?: (index: number) => void;
  keyOf?: (track: Track, index: number) => string;
}

/** A short, non-virtualised track list (album pages, top tracks, search results, history). */
export function SimpleTrackList({ tracks, label, numbering = 'index', showCover = true, showAlbum = true, note, onPlay, keyOf }: Props) {
  const player = usePlayerActionsOptional();
  const now = useNowPlaying();
  const play = (i: number) => {
    const t = tracks[i];
    if (!t?.streamable) return;
    if (onPlay) onPlay(i);
    else player?.playTracks(tracks, t.id);
  };
  return (
    <ol aria-label={label} className="text-sm">
      {tracks.map((track, i) => {
        const isCurrent = now.trackId === track.id;
        const blocked = !track.streamable;
        const badge = track.status === 'ready' ? null : track.status;
        return (
          <li
            key={keyOf ? keyOf(track, i) : `${track.id}-${i}`}
            aria-current={isCurrent ? 'true' : undefined}
            onClick={rowClick(() => play(i), isCurrent)}
            className={`group grid ${blocked ? '' : 'cursor-pointer'} grid-cols-[2.5rem_minmax(0,1fr)_4rem_3rem] items-center gap-3 rounded-lg px-2 py-1.5 md:grid-cols-[2.5rem_minmax(0,3fr)_minmax(0,2fr)_4rem_3.5rem] ${
              isCurrent ? 'bg-neutral-800/70' : 'hover:bg-neutral-900'
            }`}
          >
            <div className="flex justify-center">
              <button
                type="button"
                disabled={blocked}
                onClick={() => (isCurrent ? player?.toggle() : play(i))}
                aria-label={blocked ? `${track.title} cannot be played (${track.status})` : isCurrent && now.playing ? `Pause ${track.title}` : `Play ${track.title}`}
                className="relative inline-flex h-8 w-8 items-center justify-center rounded-full text-neutral-500 hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 disabled:cursor-not-allowed"
              >
                <span className={`tabular-nums ${isCurrent ? 'hidden' : 'md:group-hover:hidden max-md:hidden'}`}>{numbering === 'track' ? (track.track_number ?? '–') : i + 1}</span>
                <span className={isCurrent ? 'text-accent-400' : 'hidden max-md:inline md:group-hover:inline'}>
                  {isCurrent && now.playing ? <PauseIcon className="h-4 w-4" /> : <PlayIcon className="h-4 w-4" />}
                </span>
              </button>
            </div>
            <div className="flex min-w-0 items-center gap-3">
              {showCover && <Cover seed={track.album?.id ?? track.id} label={track.album?.title ?? track.title} src={track.artwork?.small} className="h-9 w-9" />}
              <div className="min-w-0">
                {/* Lines and links 24 px tall: the title and artist links are targets of the least size
                    WCAG 2.5.8 asks for, one above the other. */}
                <p className={`truncate font-medium leading-6 ${isCurrent ? 'text-accent-300' : 'text-white'}`}>
                  <Link to={`/tracks/${track.id}`} className="inline-block max-w-full truncate align-top hover:underline">
                    {track.title}
                  </Link>
                </p>
                <p className="truncate text-xs leading-6 text-neutral-400">
                  {track.artists[0] ? (
                    <Link to={`/artists/${track.artists[0].id}`} className="inline-block max-w-full truncate align-top hover:text-white hover:underline">
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
                  {note && <span className="ml-2 text-neutral-500">{note(track, i)}</span>}
                </p>
              </div>
            </div>
            <div className="hidden min-w-0 truncate text-neutral-400 md:block">
              {showAlbum && track.album ? (
                <Link to={`/albums/${track.album.id}`} className="hover:text-white hover:underline">
                  {track.album.title}
                </Link>
              ) : null}
            </div>
            <span className="flex">
              <LoveButton track={track} />
              <AddToPlaylistButton track={track} />
            </span>
            <span className="text-right tabular-nums text-neutral-400">{formatDuration(track.duration)}</span>
          </li>
        );
      })}
    </ol>
  );
}
