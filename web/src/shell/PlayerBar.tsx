import { useState } from 'react';
import { Link } from 'react-router';
import { formatDuration } from '../lib/format';
import { usePlayer, usePlayerActions, usePlayerTime } from '../player/PlayerContext';
import { hasNext, nextRepeatMode } from '../player/queue';
import { QueuePanel } from '../player/QueuePanel';
import { engineLabel } from '../player/sources';
import { Waveform } from '../player/Waveform';
import { Cover } from '../ui/Cover';
import { ChevronIcon, NextIcon, PauseIcon, PlayIcon, PreviousIcon, QueueIcon, RepeatIcon, ShuffleIcon, VolumeIcon } from '../ui/icons';
import type { TrackAction } from './feature';

const iconBtn =
  'inline-flex items-center justify-center rounded-full p-2 text-neutral-300 transition-colors hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 disabled:cursor-not-allowed disabled:opacity-40';

function PlayPauseButton({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const { status, queue } = usePlayer();
  const { toggle } = usePlayerActions();
  const active = (status === 'playing' || status === 'loading') && !queue.ended;
  const dims = size === 'lg' ? 'h-16 w-16' : 'h-10 w-10';
  return (
    <button
      type="button"
      onClick={toggle}
      aria-label={active ? 'Pause' : 'Play'}
      aria-busy={status === 'loading' || undefined}
      className={`${dims} relative inline-flex shrink-0 items-center justify-center rounded-full bg-white text-neutral-950 transition-transform hover:scale-105 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400`}
    >
      {active ? <PauseIcon className={size === 'lg' ? 'h-7 w-7' : 'h-5 w-5'} /> : <PlayIcon className={size === 'lg' ? 'h-7 w-7' : 'h-5 w-5'} />}
      {status === 'loading' && <span aria-hidden="true" className="absolute inset-0 animate-spin rounded-full border-2 border-transparent border-t-accent-500" />}
    </button>
  );
}

function TransportControls({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const { queue } = usePlayer();
  const actions = usePlayerActions();
  const repeatLabel = queue.repeat === 'off' ? 'Repeat: off' : queue.repeat === 'all' ? 'Repeat: all' : 'Repeat: one';
  const icon = size === 'lg' ? 'h-7 w-7' : 'h-5 w-5';
  return (
    <div className="flex items-center justify-center gap-2 sm:gap-3">
      <button type="button" className={`${iconBtn} relative ${queue.repeat !== 'off' ? 'text-accent-400 hover:text-accent-300' : ''}`} aria-label={repeatLabel} title={repeatLabel} onClick={() => actions.setRepeat(nextRepeatMode(queue.repeat))}>
        <RepeatIcon className="h-4 w-4" />
        {queue.repeat === 'one' && <span className="absolute right-0.5 top-0.5 text-[9px] font-bold">1</span>}
      </button>
      <button type="button" className={iconBtn} aria-label="Previous" onClick={actions.previous} disabled={queue.entries.length === 0}>
        <PreviousIcon className={icon} />
      </button>
      <PlayPauseButton size={size} />
      <button type="button" className={iconBtn} aria-label="Next" onClick={actions.next} disabled={!hasNext(queue)}>
        <NextIcon className={icon} />
      </button>
      <button
        type="button"
        className={`${iconBtn} ${queue.shuffle ? 'text-accent-400 hover:text-accent-300' : ''}`}
        aria-label="Shuffle"
        aria-pressed={queue.shuffle}
        title={queue.shuffle ? 'Shuffle: on' : 'Shuffle: off'}
        onClick={() => actions.setShuffle(!queue.shuffle)}
      >
        <ShuffleIcon className="h-4 w-4" />
      </button>
    </div>
  );
}

function SeekSlider({ className = '' }: { className?: string }) {
  const { position, duration } = usePlayerTime();
  const { seek } = usePlayerActions();
  const max = duration > 0 ? duration : 0;
  return (
    <input
      type="range"
      aria-label="Seek"
      min={0}
      max={max || 1}
      step={0.1}
      value={Math.min(position, max || 1)}
      disabled={max === 0}
      aria-valuetext={`${formatDuration(position)} of ${formatDuration(duration)}`}
      onChange={(e) => seek(Number(e.target.value))}
      className={`h-1.5 w-full cursor-pointer accent-accent-500 ${className}`}
    />
  );
}

function SeekRow({ waveform = true }: { waveform?: boolean }) {
  const { current } = usePlayer();
  const { position, duration } = usePlayerTime();
  const { seek } = usePlayerActions();
  return (
    <div className="flex w-full items-center gap-2 text-xs tabular-nums text-neutral-400">
      <span data-testid="elapsed" className="w-10 text-right">
        {formatDuration(position)}
      </span>
      <div className="flex min-w-0 flex-1 flex-col gap-0.5">
        {waveform && <Waveform trackId={current?.hls ? current.id : null} position={position} duration={duration} onSeek={seek} className="h-7" />}
        <SeekSlider />
      </div>
      <span data-testid="total" className="w-10">
        {formatDuration(duration)}
      </span>
    </div>
  );
}

function VolumeControl() {
  const { volume, muted } = usePlayer();
  const actions = usePlayerActions();
  return (
    <div className="flex items-center gap-1">
      <button type="button" className={iconBtn} aria-label={muted ? 'Unmute' : 'Mute'} onClick={actions.toggleMute}>
        <VolumeIcon muted={muted || volume === 0} className="h-5 w-5" />
      </button>
      <input
        type="range"
        aria-label="Volume"
        min={0}
        max={1}
        step={0.01}
        value={muted ? 0 : volume}
        onChange={(e) => actions.setVolume(Number(e.target.value))}
        className="h-1.5 w-24 cursor-pointer accent-accent-500"
      />
    </div>
  );
}

/** A load that failed after its retries: what happened, and a way to try again. */
function PlayerError({ error }: { error: string }) {
  const actions = usePlayerActions();
  return (
    <p role="alert" className="flex min-w-0 items-center gap-2 text-xs text-red-300">
      <span className="truncate">{error}</span>
      <button type="button" className="shrink-0 rounded px-1.5 text-neutral-100 underline underline-offset-2 hover:text-white" onClick={actions.retry}>
        Retry
      </button>
    </p>
  );
}

function NowPlayingText({ compact }: { compact?: boolean }) {
  const { current, error, status } = usePlayer();
  if (!current) return null;
  return (
    <div className="min-w-0">
      <p className={`truncate font-medium text-white ${compact ? 'text-sm' : 'text-base'}`} data-testid="now-playing-title">
        {current.title}
      </p>
      {error ? (
        <PlayerError error={error} />
      ) : (
        <p className="truncate text-xs text-neutral-400">
          {current.artists[0] ? (
            <Link to={`/artists/${current.artists[0].id}`} className="hover:text-white hover:underline" onClick={(e) => e.stopPropagation()}>
              {current.artist_name}
            </Link>
          ) : (
            current.artist_name
          )}
          {current.album && (
            <>
              {' · '}
              <Link to={`/albums/${current.album.id}`} className="hover:text-white hover:underline" onClick={(e) => e.stopPropagation()}>
                {current.album.title}
              </Link>
            </>
          )}
          {status === 'loading' && <span className="sr-only"> (loading)</span>}
        </p>
      )}
    </div>
  );
}

/** Full-screen "now playing" sheet for phones. */
function NowPlayingSheet({ onClose, onQueue, trackActions }: { onClose: () => void; onQueue: () => void; trackActions: TrackAction[] }) {
  const { current } = usePlayer();
  if (!current) return null;
  return (
    <div role="dialog" aria-label="Now playing" className="fixed inset-0 z-50 flex flex-col bg-gradient-to-b from-neutral-900 to-neutral-950 px-6 pb-10 pt-4 md:hidden">
      <div className="flex items-center justify-between">
        <button type="button" className={iconBtn} aria-label="Close now playing" onClick={onClose} autoFocus>
          <ChevronIcon className="h-6 w-6" />
        </button>
        <span className="text-xs uppercase tracking-widest text-neutral-400">Now playing</span>
        <button type="button" className={iconBtn} aria-label="Show queue" onClick={onQueue}>
          <QueueIcon className="h-5 w-5" />
        </button>
      </div>
      <div className="flex flex-1 items-center justify-center py-6">
        <Cover seed={current.album?.id ?? current.id} label={current.album?.title ?? current.title} src={current.artwork?.large} className="aspect-square w-full max-w-xs" rounded="lg" />
      </div>
      <div className="flex items-start justify-between gap-3">
        <NowPlayingText />
        {trackActions.map((Action, i) => (
          <Action key={i} track={current} />
        ))}
      </div>
      <div className="mt-4">
        <SeekRow />
      </div>
      <div className="mt-4">
        <TransportControls size="lg" />
      </div>
    </div>
  );
}

/** The player bar; `trackActions` (from the features) sit next to the playing track. */
export function PlayerBar({ trackActions }: { trackActions: TrackAction[] }) {
  const { current, engine, status, error } = usePlayer();
  const [queueOpen, setQueueOpen] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);

  return (
    <>
      <section
        data-testid="player-bar"
        data-engine={engineLabel(engine)}
        data-status={status}
        aria-label="Player"
        className="fixed inset-x-0 bottom-0 z-40 h-16 border-t border-neutral-800 bg-neutral-950/95 backdrop-blur supports-[backdrop-filter]:bg-neutral-950/80 md:h-20"
      >
        {!current ? (
          <div className="flex h-full items-center gap-3 px-4 text-sm text-neutral-500 md:pl-64">
            <span>Nothing playing.</span>
            <Link to="/library" className="text-neutral-300 underline-offset-2 hover:text-white hover:underline">
              Pick something from your library
            </Link>
          </div>
        ) : (
          <>
            {/* Phones: thin progress on top, compact row */}
            <div className="absolute inset-x-0 -top-1 md:hidden">
              <SeekSlider className="block h-1" />
            </div>
            <div className="flex h-full items-center gap-3 px-3 md:grid md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_minmax(0,1fr)] md:gap-6 md:px-4">
              <div className="flex min-w-0 flex-1 items-center gap-3">
                <button type="button" className="flex min-w-0 flex-1 items-center gap-3 text-left md:pointer-events-none md:flex-none" onClick={() => setSheetOpen(true)} aria-label="Open now playing">
                  <Cover seed={current.album?.id ?? current.id} label={current.album?.title ?? current.title} src={current.artwork?.small} className="h-11 w-11 md:h-14 md:w-14" />
                  <span className="min-w-0 flex-1 md:hidden">
                    <span className="block truncate text-sm font-medium text-white">{current.title}</span>
                    <span className={`block truncate text-xs ${error ? 'text-red-300' : 'text-neutral-400'}`}>{error ?? current.artist_name}</span>
                  </span>
                </button>
                <div className="hidden min-w-0 md:block">
                  <NowPlayingText />
                </div>
                {trackActions.map((Action, i) => (
                  <Action key={i} track={current} className="hidden md:inline-flex" />
                ))}
              </div>
              {/* Phones: play/pause and next */}
              <div className="flex items-center gap-1 md:hidden">
                <PlayPauseButton />
                <MobileNext />
              </div>
              {/* Tablet/desktop: full controls */}
              <div className="hidden min-w-0 flex-col items-center gap-0.5 md:flex">
                <TransportControls />
                <SeekRow />
              </div>
              <div className="hidden items-center justify-end gap-2 md:flex">
                <button type="button" className={`${iconBtn} ${queueOpen ? 'text-accent-400' : ''}`} aria-label="Queue" aria-pressed={queueOpen} onClick={() => setQueueOpen((o) => !o)}>
                  <QueueIcon className="h-5 w-5" />
                </button>
                <VolumeControl />
              </div>
            </div>
          </>
        )}
      </section>
      {sheetOpen && current && (
        <NowPlayingSheet
          trackActions={trackActions}
          onClose={() => setSheetOpen(false)}
          onQueue={() => {
            setSheetOpen(false);
            setQueueOpen(true);
          }}
        />
      )}
      {queueOpen && <QueuePanel onClose={() => setQueueOpen(false)} />}
    </>
  );
}

function MobileNext() {
  const { queue } = usePlayer();
  const { next } = usePlayerActions();
  return (
    <button type="button" className={iconBtn} aria-label="Next" onClick={next} disabled={!hasNext(queue)}>
      <NextIcon className="h-5 w-5" />
    </button>
  );
}

