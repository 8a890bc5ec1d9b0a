import { Fragment, useState } from 'react';
import { Link, useParams } from 'react-router';
import { formatLongDuration } from '../../../lib/format';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { Cover, coverSrcSet } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { PlayIcon, PlusIcon } from '../../../ui/icons';
import { AddToPlaylistDialog } from '../../playlists/components/AddToPlaylist';
import { Loading } from '../../../ui/PageHeader';
import { useAlbum } from '../api';
import { SimpleTrackList } from '../components/SimpleTrackList';
import { ShuffleButton } from '../components/ShuffleButton';

export function AlbumPage() {
  const { id = '' } = useParams();
  const { data: album, error, isPending } = useAlbum(id);
  const player = usePlayerActions();
  const [adding, setAdding] = useState(false);
  if (isPending) return <Loading />;
  if (error || !album) return <ErrorAlert error={error} />;
  const discs = [...new Set(album.tracks.map((t) => t.disc_number ?? 1))];
  const multiDisc = discs.length > 1;
  const anyPlayable = album.tracks.some((t) => t.streamable);
  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-5 sm:flex-row sm:items-end">
        <Cover
          seed={album.id}
          label={album.title}
          src={album.artwork?.large}
          srcSet={coverSrcSet(album.artwork)}
          sizes="(min-width: 640px) 208px, 176px"
          className="h-44 w-44 shadow-2xl sm:h-52 sm:w-52"
          rounded="lg"
          priority
        />
        <div className="min-w-0 space-y-2">
          <p className="text-xs uppercase tracking-widest text-neutral-400">Album</p>
          <h1 className="text-3xl font-bold tracking-tight text-white sm:text-4xl">{album.title}</h1>
          <p className="text-sm text-neutral-300">
            {album.artist ? (
              <Link to={`/artists/${album.artist.id}`} className="font-medium hover:underline">
                {album.artist.name}
              </Link>
            ) : (
              'Various artists'
            )}
            {album.year ? ` · ${album.year}` : ''} · {album.track_count} track{album.track_count === 1 ? '' : 's'} · {formatLongDuration(album.duration)}
          </p>
          <div className="flex gap-2 pt-2">
            <Button onClick={() => player.playTracks(album.tracks)} disabled={!anyPlayable}>
              <PlayIcon className="h-4 w-4" /> Play all
            </Button>
            <ShuffleButton tracks={album.tracks} />
            <Button variant="secondary" onClick={() => player.enqueue(album.tracks)} disabled={!anyPlayable}>
              Add to queue
            </Button>
            <Button variant="secondary" onClick={() => setAdding(true)} disabled={album.tracks.length === 0}>
              <PlusIcon className="h-4 w-4" /> Add to playlist
            </Button>
          </div>
          {adding && <AddToPlaylistDialog tracks={album.tracks} label={album.title} onClose={() => setAdding(false)} />}
        </div>
      </div>
      {multiDisc ? (
        discs.map((disc) => {
          const tracks = album.tracks.filter((t) => (t.disc_number ?? 1) === disc);
          return (
            <Fragment key={disc}>
              <h2 className="px-2 text-sm font-semibold uppercase tracking-wide text-neutral-400">Disc {disc}</h2>
              <SimpleTrackList
                tracks={tracks}
                label={`Disc ${disc}`}
                numbering="track"
                showCover={false}
                showAlbum={false}
                onPlay={(i) => player.playTracks(album.tracks, tracks[i]!.id)}
              />
            </Fragment>
          );
        })
      ) : (
        <SimpleTrackList tracks={album.tracks} label="Album tracks" numbering="track" showCover={false} showAlbum={false} />
      )}
    </div>
  );
}
