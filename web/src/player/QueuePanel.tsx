import { useState } from 'react';
import { formatDuration } from '../lib/format';
import { Cover } from '../ui/Cover';
import { ChevronIcon, CloseIcon } from '../ui/icons';
import { usePlayer, usePlayerActions } from './PlayerContext';

/** The play queue: jump to an entry, reorder (buttons or drag and drop), remove, clear. */
export function QueuePanel({ onClose }: { onClose: () => void }) {
  const { queue } = usePlayer();
  const actions = usePlayerActions();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);

  return (
    <div
      role="dialog"
      aria-label="Queue"
      className="fixed inset-x-0 bottom-16 top-14 z-40 flex flex-col border-l border-neutral-800 bg-neutral-950/98 shadow-2xl backdrop-blur md:bottom-20 md:left-auto md:w-96"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="flex items-center justify-between border-b border-neutral-800 px-4 py-3">
        <h2 className="font-semibold text-white">
          Queue <span className="text-sm font-normal text-neutral-400">({queue.entries.length})</span>
        </h2>
        <div className="flex items-center gap-1">
          {queue.entries.length > 0 && (
            <button type="button" className="rounded px-2 py-1 text-sm text-neutral-400 hover:bg-neutral-800 hover:text-white" onClick={actions.clear}>
              Clear
            </button>
          )}
          <button type="button" aria-label="Close queue" className="rounded p-1.5 text-neutral-400 hover:bg-neutral-800 hover:text-white" onClick={onClose} autoFocus>
            <CloseIcon className="h-5 w-5" />
          </button>
        </div>
      </div>
      {queue.entries.length === 0 ? (
        <p className="p-4 text-sm text-neutral-400">The queue is empty. Play an album or a list to fill it.</p>
      ) : (
        <ol aria-label="Queued tracks" className="flex-1 overflow-y-auto p-2">
          {queue.entries.map((entry, i) => {
            const isCurrent = i === queue.index;
            return (
              <li
                key={entry.key}
                draggable
                onDragStart={(e) => {
                  setDragFrom(i);
                  e.dataTransfer.effectAllowed = 'move';
                  e.dataTransfer.setData('text/plain', String(i));
                }}
                onDragOver={(e) => {
                  if (dragFrom === null) return;
                  e.preventDefault();
                  setDragOver(i);
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragFrom !== null) actions.move(dragFrom, i);
                  setDragFrom(null);
                  setDragOver(null);
                }}
                onDragEnd={() => {
                  setDragFrom(null);
                  setDragOver(null);
                }}
                aria-current={isCurrent ? 'true' : undefined}
                className={`group flex items-center gap-2 rounded-lg px-2 py-1.5 ${isCurrent ? 'bg-neutral-800/80' : 'hover:bg-neutral-900'} ${
                  dragOver === i && dragFrom !== i ? 'ring-1 ring-accent-500' : ''
                }`}
              >
                <button type="button" className="flex min-w-0 flex-1 items-center gap-3 text-left" onClick={() => actions.jump(i)} aria-label={`Play ${entry.track.title} from the queue`}>
                  <Cover seed={entry.track.album?.id ?? entry.track.id} label={entry.track.album?.title ?? entry.track.title} src={entry.track.artwork?.small} className="h-9 w-9" />
                  <span className="min-w-0 flex-1">
                    <span className={`block truncate text-sm ${isCurrent ? 'text-accent-300' : 'text-white'}`}>{entry.track.title}</span>
                    <span className="block truncate text-xs text-neutral-400">{entry.track.artist_name}</span>
                  </span>
                  <span className="text-xs tabular-nums text-neutral-500">{formatDuration(entry.track.duration)}</span>
                </button>
                <div className="flex shrink-0 items-center">
                  <button
                    type="button"
                    aria-label={`Move ${entry.track.title} up`}
                    disabled={i === 0}
                    onClick={() => actions.move(i, i - 1)}
                    className="rounded p-1 text-neutral-400 hover:text-white disabled:opacity-30"
                  >
                    <ChevronIcon className="h-4 w-4 rotate-180" />
                  </button>
                  <button
                    type="button"
                    aria-label={`Move ${entry.track.title} down`}
                    disabled={i === queue.entries.length - 1}
                    onClick={() => actions.move(i, i + 1)}
                    className="rounded p-1 text-neutral-400 hover:text-white disabled:opacity-30"
                  >
                    <ChevronIcon className="h-4 w-4" />
                  </button>
                  <button type="button" aria-label={`Remove ${entry.track.title} from the queue`} onClick={() => actions.remove(i)} className="rounded p-1 text-neutral-400 hover:text-red-300">
                    <CloseIcon className="h-4 w-4" />
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
