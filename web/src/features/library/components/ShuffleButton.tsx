import { useState } from 'react';
import { unwrap } from '../../../api/problem';
import type { Track } from '../../../api/types';
import { useApi } from '../../../auth/AuthContext';
import { usePlayerActions } from '../../../player/PlayerContext';
import { Button } from '../../../ui/Button';
import { ShuffleIcon } from '../../../ui/icons';

export interface ShuffleFilters {
  artist_id?: string;
  album_id?: string;
  genre?: string;
  mine?: boolean;
}

/**
 * "Shuffle": plays `tracks` (what the page holds) in a random order with shuffle on, or, given
 * `filters`, asks the server for up to 500 of the library's tracks at random (a big library
 * is never loaded whole into the page).
 */
export function ShuffleButton({ tracks, filters, label = 'Shuffle', variant = 'secondary' }: { tracks?: Track[]; filters?: ShuffleFilters; label?: string; variant?: 'primary' | 'secondary' }) {
  const api = useApi();
  const player = usePlayerActions();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const onClick = async () => {
    setFailed(null);
    if (tracks) return player.shufflePlay(tracks);
    setBusy(true);
    try {
      const page = unwrap(await api.GET('/api/v1/library/random', { params: { query: { limit: 500, ...filters } } }));
      if (page.items.some((t) => t.streamable)) player.shufflePlay(page.items);
      else setFailed('Nothing here can play yet.');
    } catch (err) {
      setFailed(err instanceof Error ? err.message : 'Could not shuffle.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant={variant} onClick={() => void onClick()} busy={busy} disabled={tracks ? !tracks.some((t) => t.streamable) : false}>
        <ShuffleIcon className="h-4 w-4" /> {label}
      </Button>
      {failed && (
        <span role="alert" className="text-xs text-red-300">
          {failed}
        </span>
      )}
    </>
  );
}
