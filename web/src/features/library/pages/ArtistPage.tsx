import { useParams } from 'react-router';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { PlayIcon } from '../../../ui/icons';
import { Loading } from '../../../ui/PageHeader';
import { useArtist } from '../api';
import { AlbumGrid } from '../components/AlbumGrid';
import { ShuffleButton } from '../components/ShuffleButton';
import { SimpleTrackList } from '../components/SimpleTrackList';

export function ArtistPage() {
  const { id = '' } = useParams();
  const { data: artist, error, isPending } = useArtist(id);
  const player = usePlayerActions();
  if (isPending) return <Loading />;
  if (error || !artist) return <ErrorAlert error={error} />;
  return (
    <div className="space-y-8">
      <div className="flex flex-col items-start gap-5 sm:flex-row sm:items-end">
        <Cover seed={artist.id} label={artist.name} className="h-40 w-40 shadow-2xl" rounded="full" />
        <div className="space-y-2">
          <p className="text-xs uppercase tracking-widest text-neutral-400">Artist</p>
          <h1 className="text-3xl font-bold tracking-tight text-white sm:text-4xl">{artist.name}</h1>
          <p className="text-sm text-neutral-400">
            {artist.album_count} album{artist.album_count === 1 ? '' : 's'} · {artist.track_count} track{artist.track_count === 1 ? '' : 's'}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <Button onClick={() => player.playTracks(artist.top_tracks)} disabled={!artist.top_tracks.some((t) => t.streamable)}>
              <PlayIcon className="h-4 w-4" /> Play top tracks
            </Button>
            <ShuffleButton filters={{ artist_id: artist.id }} />
          </div>
        </div>
      </div>
      {artist.top_tracks.length > 0 && (
        <section aria-labelledby="top-tracks">
          <h2 id="top-tracks" className="mb-2 text-lg font-semibold text-white">
            Top tracks
          </h2>
          <SimpleTrackList tracks={artist.top_tracks} label="Top tracks" />
        </section>
      )}
      {artist.albums.length > 0 && (
        <section aria-labelledby="artist-albums">
          <h2 id="artist-albums" className="mb-2 text-lg font-semibold text-white">
            Albums
          </h2>
          <AlbumGrid albums={artist.albums} label={`Albums by ${artist.name}`} />
        </section>
      )}
    </div>
  );
}
