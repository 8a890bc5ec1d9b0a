import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { TrackDetail, TrackPatch, Visibility } from '../../../api/types';
import { formatDuration } from '../../../lib/format';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { Card } from '../../../ui/Card';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { PlayIcon } from '../../../ui/icons';
import { Loading } from '../../../ui/PageHeader';
import { LoveButton } from '../../listening/components/LoveButton';
import { AddToPlaylistButton } from '../../playlists/components/AddToPlaylist';
import { useDeleteTrack, useTrack, useUpdateTrack } from '../api';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const int = (s: string) => (s.trim() === '' ? null : Number.parseInt(s, 10));

interface TagForm {
  title: string;
  artists: string;
  album: string;
  album_artist: string;
  track_number: string;
  disc_number: string;
  year: string;
  genres: string;
  visibility: Visibility;
}

/** Only the tags that changed. */
function changedTags(track: TrackDetail, form: TagForm): TrackPatch {
  const body: TrackPatch = {};
  if (form.title !== track.title) body.title = form.title;
  const artists = list(form.artists);
  if (artists.join('\u0000') !== track.artists.map((a) => a.name).join('\u0000')) body.artists = artists;
  if (form.album !== (track.album?.title ?? '')) body.album = form.album;
  if (form.album_artist && form.album_artist !== (track.album?.artist?.name ?? '')) body.album_artist = form.album_artist;
  if (int(form.track_number) !== track.track_number) body.track_number = int(form.track_number);
  if (int(form.disc_number) !== track.disc_number) body.disc_number = int(form.disc_number);
  if (int(form.year) !== track.year) body.year = int(form.year);
  const genres = list(form.genres);
  if (genres.join('\u0000') !== track.genres.join('\u0000')) body.genres = genres;
  if (form.visibility !== track.visibility) body.visibility = form.visibility;
  return body;
}

function EditForm({ track }: { track: TrackDetail }) {
  const [form, setForm] = useState<TagForm>({
    title: track.title,
    artists: track.artists.map((a) => a.name).join(', '),
    album: track.album?.title ?? '',
    album_artist: track.album?.artist?.name ?? '',
    track_number: track.track_number?.toString() ?? '',
    disc_number: track.disc_number?.toString() ?? '',
    year: track.year?.toString() ?? '',
    genres: track.genres.join(', '),
    visibility: track.visibility as Visibility,
  });
  const [saved, setSaved] = useState(false);
  const save = useUpdateTrack(track.id, { onSuccess: () => setSaved(true) });
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => {
      setSaved(false);
      setForm((f) => ({ ...f, [key]: e.target.value }));
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(changedTags(track, form));
  };
  return (
    <Card title="Edit tags">
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2">
        <TextField label="Title" required {...field('title')} />
        <TextField label="Artists" hint="Comma-separated" required {...field('artists')} />
        <TextField label="Album" {...field('album')} />
        <TextField label="Album artist" {...field('album_artist')} />
        <TextField label="Track number" inputMode="numeric" {...field('track_number')} />
        <TextField label="Disc number" inputMode="numeric" {...field('disc_number')} />
        <TextField label="Year" inputMode="numeric" {...field('year')} />
        <TextField label="Genres" hint="Comma-separated" {...field('genres')} />
        <div>
          <label htmlFor="track-visibility" className="mb-1 block text-sm font-medium text-neutral-300">
            Visibility
          </label>
          <select id="track-visibility" {...field('visibility')} className="w-full rounded-lg border border-neutral-700 bg-neutral-900 px-3 py-2 text-neutral-100">
            <option value="private">Private</option>
            <option value="unlisted">Unlisted</option>
            <option value="public">Public</option>
          </select>
        </div>
        <div className="space-y-2 sm:col-span-2">
          <ErrorAlert error={save.error} />
          {saved && <Notice>Tags saved.</Notice>}
          <Button type="submit" busy={save.isPending}>
            Save tags
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function TrackPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data: track, error, isPending } = useTrack(id);
  const player = usePlayerActions();
  const remove = useDeleteTrack(id, { onSuccess: () => navigate('/library', { replace: true }) });

  if (isPending) return <Loading />;
  if (error || !track) return <ErrorAlert error={error} />;

  const genreLinks = track.genres.length
    ? track.genres.map((g, i) => (
        <span key={g}>
          {i > 0 && ', '}
          <Link to={`/genres/${encodeURIComponent(g)}`} className="hover:underline">
            {g}
          </Link>
        </span>
      ))
    : '—';
  const facts: Array<[string, ReactNode]> = [
    ['Length', formatDuration(track.duration)],
    ['Year', track.year?.toString() ?? '—'],
    ['Genres', genreLinks],
    ['Track', track.track_number ? `${track.track_number}${track.track_total ? ` / ${track.track_total}` : ''}` : '—'],
    ['Format', `${track.codec.toUpperCase()}${track.bitrate ? ` · ${Math.round(track.bitrate / 1000)} kbit/s` : ''}${track.sample_rate ? ` · ${track.sample_rate / 1000} kHz` : ''}`],
    ['Plays', String(track.play_count)],
    ['Visibility', track.visibility],
    ['Status', track.status],
  ];

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-5 sm:flex-row sm:items-end">
        <Cover seed={track.album?.id ?? track.id} label={track.album?.title ?? track.title} src={track.artwork?.large} className="h-40 w-40 sm:h-48 sm:w-48" rounded="lg" />
        <div className="min-w-0 space-y-2">
          <p className="text-xs uppercase tracking-widest text-neutral-400">Track</p>
          <h1 className="text-3xl font-bold tracking-tight text-white">{track.title}</h1>
          <p className="text-neutral-300">
            {track.artists.map((a, i) => (
              <span key={a.id}>
                {i > 0 && ', '}
                <Link to={`/artists/${a.id}`} className="hover:underline">
                  {a.name}
                </Link>
              </span>
            ))}
            {track.album && (
              <>
                {' · '}
                <Link to={`/albums/${track.album.id}`} className="hover:underline">
                  {track.album.title}
                </Link>
              </>
            )}
          </p>
          <div className="flex items-center gap-2 pt-2">
            <Button onClick={() => player.playTracks([track])} disabled={!track.streamable}>
              <PlayIcon className="h-4 w-4" /> {track.streamable ? 'Play' : track.status === 'missing' ? 'File missing' : 'Processing failed'}
            </Button>
            <Button variant="secondary" onClick={() => player.enqueue([track])} disabled={!track.streamable}>
              Add to queue
            </Button>
            <LoveButton track={track} />
            <AddToPlaylistButton track={track} />
          </div>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-2xl border border-neutral-800 bg-neutral-900/60 p-4 text-sm sm:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs uppercase tracking-wide text-neutral-500">{k}</dt>
            <dd className="text-neutral-200">{v}</dd>
          </div>
        ))}
      </dl>
      {track.lyrics && (
        <Card title="Lyrics">
          <p className="whitespace-pre-line text-sm text-neutral-300">{track.lyrics}</p>
        </Card>
      )}
      {track.owned && (
        <>
          <EditForm key={track.id} track={track} />
          <div className="flex items-center gap-3">
            <Button
              variant="danger"
              busy={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete "${track.title}" from your library?`)) remove.mutate();
              }}
            >
              Delete track
            </Button>
            <ErrorAlert error={remove.error} />
          </div>
        </>
      )}
    </div>
  );
}
