import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { flattenPages } from '../../../api/infinite';
import type { Track } from '../../../api/types';
import { ErrorAlert } from '../../../ui/feedback';
import { CloseIcon, PlusIcon } from '../../../ui/icons';
import { useMyPlaylists, usePlaylistItemsChange } from '../api';
import { NewPlaylistForm } from './NewPlaylistForm';

/** "Add to playlist": one of the user's playlists, or a new one named here. */
export function AddToPlaylistDialog({ tracks, label, onClose }: { tracks: Track[]; label: string; onClose: () => void }) {
  const lists = useMyPlaylists();
  const playlists = flattenPages(lists.data).filter((p) => p.kind === 'static');
  const change = usePlaylistItemsChange();
  const [done, setDone] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const ids = tracks.map((t) => t.id);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const addTo = async (id: string, title: string) => {
    await change.mutateAsync({ id, change: { op: 'add', track_ids: ids } });
    setDone(title);
    window.setTimeout(onClose, 700);
  };

  return createPortal(
    // A portal's events still bubble through React to the track row that opened it: stop them here.
    <div
      className="fixed inset-0 z-[60] flex items-end justify-center bg-black/60 sm:items-center"
      onClick={(e) => {
        e.stopPropagation();
        onClose();
      }}
      onKeyDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`Add ${label} to a playlist`}
        className="w-full max-w-md rounded-t-2xl border border-neutral-800 bg-neutral-900 p-5 shadow-2xl sm:rounded-2xl"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="mb-3 flex items-center justify-between gap-3">
          <h2 className="truncate text-lg font-semibold text-white">Add {label} to…</h2>
          <button ref={closeRef} type="button" aria-label="Close" onClick={onClose} className="rounded-full p-2 text-neutral-400 hover:text-white">
            <CloseIcon className="h-5 w-5" />
          </button>
        </div>
        {done ? (
          <p role="status" className="py-4 text-center text-accent-300">
            Added to {done}
          </p>
        ) : (
          <>
            <ul className="max-h-72 space-y-1 overflow-y-auto" aria-label="Your playlists">
              {lists.isPending && <li className="px-3 py-2 text-sm text-neutral-400">Loading…</li>}
              {!lists.isPending && playlists.length === 0 && <li className="px-3 py-2 text-sm text-neutral-400">No playlists yet: name one below.</li>}
              {playlists.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    disabled={change.isPending}
                    onClick={() => void addTo(p.id, p.name)}
                    className="flex w-full items-center justify-between rounded-lg px-3 py-2.5 text-left text-white hover:bg-neutral-800 disabled:opacity-60"
                  >
                    <span className="truncate">{p.name}</span>
                    <span className="ml-3 shrink-0 text-xs text-neutral-400">{p.item_count} tracks</span>
                  </button>
                </li>
              ))}
            </ul>
            <NewPlaylistForm className="mt-4" placeholder="New playlist" submitLabel="Create" onCreated={(made) => addTo(made.id, made.name)} />
            {change.error && (
              <div className="mt-3">
                <ErrorAlert error={change.error} />
              </div>
            )}
          </>
        )}
      </div>
    </div>,
    document.body,
  );
}

/** A track's "add to playlist" button (track rows, the player). */
export function AddToPlaylistButton({ track, className = '' }: { track: Track; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-label={`Add ${track.title} to a playlist`}
        title="Add to playlist"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
        onDoubleClick={(e) => e.stopPropagation()}
        className={`rounded-full p-1.5 text-neutral-500 transition-colors hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 ${className}`}
      >
        <PlusIcon className="h-4 w-4" />
      </button>
      {open && <AddToPlaylistDialog tracks={[track]} label={track.title} onClose={() => setOpen(false)} />}
    </>
  );
}
