import { useState, type DragEvent, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { Playlist, PlaylistItem, SmartDefinition, Track } from '../../../api/types';
import { formatDuration, formatLongDuration } from '../../../lib/format';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { Cover, coverSrcSet } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { ChevronIcon, CloseIcon, DragIcon, PlayIcon, ShuffleIcon } from '../../../ui/icons';
import { EmptyState, Loading } from '../../../ui/PageHeader';
import { CoverField } from '../components/CoverField';
import { ExportMenu } from '../components/ExportMenu';
import { emptyDefinition, isComplete, SmartRulesEditor } from '../components/SmartRulesEditor';
import { useDeletePlaylist, useDownloadNsp, useDuplicatePlaylist, usePlaylist, usePlaylistItems, usePlaylistItemsChange, useSmartTracks, useUpdatePlaylist } from '../api';

const VISIBILITY_LABEL = { private: 'Private', unlisted: 'Unlisted (anyone with the link)', public: 'Public' } as const;
type VisibilityKey = keyof typeof VISIBILITY_LABEL;

function EditForm({ playlist, onDone }: { playlist: Playlist; onDone: () => void }) {
  const update = useUpdatePlaylist(playlist.id);
  const [name, setName] = useState(playlist.name);
  const [description, setDescription] = useState(playlist.description);
  const [visibility, setVisibility] = useState<VisibilityKey>(playlist.visibility);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await update.mutateAsync({ name: name.trim(), description, visibility });
    onDone();
  };
  const field = 'w-full rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-white focus:border-accent-400 focus:outline-none';
  return (
    <form onSubmit={(e) => void submit(e)} className="max-w-lg space-y-3 rounded-xl border border-neutral-800 bg-neutral-900/60 p-4" aria-label="Edit playlist">
      <label className="block text-sm text-neutral-300">
        Name
        <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} className={`mt-1 ${field}`} required />
      </label>
      <label className="block text-sm text-neutral-300">
        Description
        <textarea value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} rows={3} className={`mt-1 ${field}`} />
      </label>
      <label className="block text-sm text-neutral-300">
        Who can see it
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as VisibilityKey)} className={`mt-1 ${field}`}>
          {Object.entries(VISIBILITY_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <CoverField playlist={playlist} />
      {update.error && <ErrorAlert error={update.error} />}
      <div className="flex gap-2">
        <Button type="submit" busy={update.isPending} disabled={!name.trim()}>
          Save
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RulesForm({ playlist, onDone }: { playlist: Playlist; onDone: () => void }) {
  const update = useUpdatePlaylist(playlist.id);
  const [def, setDef] = useState<SmartDefinition>(() =>
    playlist.rules ? { rules: playlist.rules, sort: playlist.sort ?? { field: 'title', order: 'asc' }, limit: playlist.limit ?? null } : emptyDefinition(),
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await update.mutateAsync({ rules: def.rules, sort: def.sort, limit: def.limit ?? null, unlimited: def.limit == null });
    onDone();
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4 rounded-xl border border-neutral-800 bg-neutral-900/60 p-4" aria-label="Edit rules">
      <SmartRulesEditor value={def} onChange={setDef} />
      {update.error && <ErrorAlert error={update.error} />}
      <div className="flex gap-2">
        <Button type="submit" busy={update.isPending} disabled={!isComplete(def.rules)}>
          Save rules
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** A row of a smart playlist: a track its rules select (no moving or removing). */
function SmartTrackRow({ track, index, onPlay }: { track: Track; index: number; onPlay: () => void }) {
  return (
    <li data-testid="smart-track" className="flex items-center gap-3 rounded-lg px-2 py-2 hover:bg-neutral-900">
      <span className="w-6 shrink-0 text-right text-sm tabular-nums text-neutral-500">{index + 1}</span>
      <button type="button" onClick={onPlay} disabled={!track.streamable} aria-label={`Play ${track.title}`} className="flex min-w-0 flex-1 items-center gap-3 text-left disabled:cursor-default">
        <Cover seed={track.album?.id ?? track.id} label={track.album?.title ?? track.title} src={track.artwork?.small} className="h-10 w-10 shrink-0" />
        <span className="min-w-0">
          <span className="block truncate font-medium text-white">{track.title}</span>
          <span className="block truncate text-xs text-neutral-400">{track.artist_name}</span>
        </span>
      </button>
      <span className="hidden text-sm tabular-nums text-neutral-400 sm:inline">{formatDuration(track.duration)}</span>
    </li>
  );
}

function ItemRow({
  item,
  index,
  count,
  mine,
  onPlay,
  onMove,
  onRemove,
  dragging,
  onDragStart,
  onDrop,
}: {
  item: PlaylistItem;
  index: number;
  count: number;
  mine: boolean;
  onPlay: () => void;
  onMove: (to: number) => void;
  onRemove: () => void;
  dragging: boolean;
  onDragStart: () => void;
  onDrop: () => void;
}) {
  const [over, setOver] = useState(false);
  const track = item.track;
  const title = track?.title ?? item.entry?.title ?? 'Unavailable track';
  const artist = track?.artist_name ?? item.entry?.artists?.join(', ') ?? '';
  const allow = (e: DragEvent) => {
    if (!mine) return;
    e.preventDefault();
    setOver(true);
  };
  return (
    <li
      draggable={mine}
      onDragStart={(e) => {
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', item.id);
        onDragStart();
      }}
      onDragOver={allow}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onDrop();
      }}
      data-testid="playlist-item"
      className={`group flex items-center gap-3 rounded-lg px-2 py-2 ${over ? 'ring-2 ring-accent-400' : ''} ${dragging ? 'opacity-40' : ''} ${item.available ? 'hover:bg-neutral-900' : 'opacity-60'}`}
    >
      {mine && (
        <span className="hidden cursor-grab text-neutral-600 group-hover:text-neutral-300 md:inline" aria-hidden="true">
          <DragIcon className="h-4 w-4" />
        </span>
      )}
      <span className="w-6 shrink-0 text-right text-sm tabular-nums text-neutral-500">{index + 1}</span>
      <button
        type="button"
        disabled={!item.available}
        onClick={onPlay}
        aria-label={item.available ? `Play ${title}` : `${title} is not in your library`}
        className="flex min-w-0 flex-1 items-center gap-3 text-left disabled:cursor-default"
      >
        <Cover seed={track?.album?.id ?? item.id} label={track?.album?.title ?? title} src={track?.artwork?.small} className="h-10 w-10 shrink-0" />
        <span className="min-w-0">
          <span className="block truncate font-medium text-white">{title}</span>
          <span className="block truncate text-xs text-neutral-400">
            {artist}
            {!item.available && ' · not in your library'}
          </span>
        </span>
      </button>
      <span className="hidden text-sm tabular-nums text-neutral-400 sm:inline">{formatDuration(track?.duration ?? item.entry?.duration)}</span>
      {mine && (
        <span className="flex shrink-0 items-center">
          <button type="button" aria-label={`Move ${title} up`} disabled={index === 0} onClick={() => onMove(index - 1)} className="rounded p-1.5 text-neutral-400 hover:text-white disabled:opacity-30">
            <ChevronIcon className="h-4 w-4 rotate-180" />
          </button>
          <button type="button" aria-label={`Move ${title} down`} disabled={index === count - 1} onClick={() => onMove(index + 1)} className="rounded p-1.5 text-neutral-400 hover:text-white disabled:opacity-30">
            <ChevronIcon className="h-4 w-4" />
          </button>
          <button type="button" aria-label={`Remove ${title}`} onClick={onRemove} className="rounded p-1.5 text-neutral-400 hover:text-red-300">
            <CloseIcon className="h-4 w-4" />
          </button>
        </span>
      )}
    </li>
  );
}

export function PlaylistPage() {
  const { id = '' } = useParams();
  const q = usePlaylist(id);
  const smart = q.data?.kind === 'smart';
  const itemsQ = usePlaylistItems(id, q.data !== undefined && !smart);
  const smartQ = useSmartTracks(id, smart);
  const items = flattenPages(itemsQ.data);
  const smartTracks = flattenPages(smartQ.data);
  const change = usePlaylistItemsChange();
  const remove = useDeletePlaylist();
  const duplicate = useDuplicatePlaylist();
  const nsp = useDownloadNsp(id, q.data?.name ?? 'playlist');
  const player = usePlayerActions();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [editingRules, setEditingRules] = useState(false);
  const [dragId, setDragId] = useState<string | null>(null);

  if (q.isPending) return <Loading />;
  if (q.isError || !q.data) return <ErrorAlert error={q.error} />;
  const playlist = q.data;
  const mine = playlist.mine;
  const tracks: Track[] = smart ? smartTracks : items.flatMap((i) => (i.track && i.available ? [i.track] : []));
  const listQ = smart ? smartQ : itemsQ;
  const move = (itemId: string, to: number) => change.mutate({ id, change: { op: 'move', item_ids: [itemId], position: Math.max(0, to) } });

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-5 sm:flex-row sm:items-end">
        <Cover seed={playlist.id} label={playlist.name} src={playlist.cover?.large} srcSet={coverSrcSet(playlist.cover)} sizes="(min-width: 640px) 208px, 176px" className="h-44 w-44 shadow-2xl sm:h-52 sm:w-52" rounded="lg" priority />
        <div className="min-w-0 space-y-2">
          <p className="text-xs uppercase tracking-widest text-neutral-400">
            {smart ? 'Smart playlist' : 'Playlist'} · {VISIBILITY_LABEL[playlist.visibility]}
          </p>
          <h1 className="break-words text-3xl font-bold tracking-tight text-white sm:text-4xl">{playlist.name}</h1>
          {playlist.description && <p className="whitespace-pre-line text-sm text-neutral-300">{playlist.description}</p>}
          <p className="text-sm text-neutral-400">
            {mine ? 'Yours' : `By ${playlist.owner.username}`} · {playlist.item_count} {playlist.item_count === 1 ? 'track' : 'tracks'}
            {playlist.duration > 0 && ` · ${formatLongDuration(playlist.duration)}`}
          </p>
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => player.playTracks(tracks)} disabled={!tracks.some((t) => t.streamable)}>
          <PlayIcon className="h-4 w-4" /> Play
        </Button>
        <Button variant="secondary" onClick={() => player.shufflePlay(tracks)} disabled={!tracks.some((t) => t.streamable)}>
          <ShuffleIcon className="h-4 w-4" /> Shuffle
        </Button>
        <Button variant="secondary" busy={duplicate.isPending} onClick={async () => navigate(`/playlists/${(await duplicate.mutateAsync(id)).id}`)}>
          Duplicate
        </Button>
        {mine && (
          <>
            <Button variant="secondary" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
              Edit
            </Button>
            {smart ? (
              <Button variant="secondary" onClick={() => setEditingRules((v) => !v)} aria-expanded={editingRules}>
                Edit rules
              </Button>
            ) : (
              <>
                <Button variant="secondary" busy={change.isPending && change.variables?.change.op === 'dedupe'} onClick={() => change.mutate({ id, change: { op: 'dedupe' } })}>
                  Remove duplicates
                </Button>
                <Button variant="secondary" onClick={() => change.mutate({ id, change: { op: 'shuffle' } })}>
                  Shuffle order
                </Button>
              </>
            )}
            <Button
              variant="secondary"
              busy={remove.isPending}
              onClick={async () => {
                if (!window.confirm(`Delete the playlist "${playlist.name}"? Its tracks stay in your library.`)) return;
                await remove.mutateAsync(id);
                void navigate('/playlists');
              }}
            >
              Delete
            </Button>
          </>
        )}
      </div>
      <div className="flex flex-wrap items-start gap-2">
        <ExportMenu playlistId={playlist.id} />
        {smart && (
          <Button variant="secondary" busy={nsp.isPending} onClick={() => nsp.mutate()}>
            Download .nsp
          </Button>
        )}
      </div>
      {editing && <EditForm playlist={playlist} onDone={() => setEditing(false)} />}
      {editingRules && smart && <RulesForm playlist={playlist} onDone={() => setEditingRules(false)} />}
      {(change.error || remove.error || duplicate.error || nsp.error) && <ErrorAlert error={change.error ?? remove.error ?? duplicate.error ?? nsp.error} />}
      {listQ.isPending ? (
        <Loading />
      ) : listQ.isError ? (
        <ErrorAlert error={listQ.error} />
      ) : smart ? (
        smartTracks.length === 0 ? (
          <EmptyState>No track matches these rules yet.</EmptyState>
        ) : (
          <ol aria-label={`Tracks of ${playlist.name}`} className="space-y-0.5">
            {smartTracks.map((t, index) => (
              <SmartTrackRow key={`${t.id}-${index}`} track={t} index={index} onPlay={() => player.playTracks(tracks, t.id)} />
            ))}
          </ol>
        )
      ) : items.length === 0 ? (
        <EmptyState>
          Nothing here yet. Use the + on any track, or <Link to="/library" className="underline hover:text-white">browse your library</Link>.
        </EmptyState>
      ) : (
        <ol aria-label={`Tracks of ${playlist.name}`} className="space-y-0.5">
          {items.map((item, index) => (
            <ItemRow
              key={item.id}
              item={item}
              index={index}
              count={items.length}
              mine={mine}
              dragging={dragId === item.id}
              onDragStart={() => setDragId(item.id)}
              onDrop={() => {
                if (dragId && dragId !== item.id) move(dragId, index);
                setDragId(null);
              }}
              onPlay={() => item.track && player.playTracks(tracks, item.track.id)}
              onMove={(to) => move(item.id, to)}
              onRemove={() => change.mutate({ id, change: { op: 'remove', item_ids: [item.id] } })}
            />
          ))}
        </ol>
      )}
      {listQ.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="secondary" busy={listQ.isFetchingNextPage} onClick={() => void listQ.fetchNextPage()}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
