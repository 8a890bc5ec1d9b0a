/** The player's volume and mute, kept across visits in localStorage. */
const VOLUME_KEY = 'tonearm.player.volume';

export function loadVolume(): { volume: number; muted: boolean } {
  try {
    const raw = JSON.parse(localStorage.getItem(VOLUME_KEY) ?? 'null') as { volume?: unknown; muted?: unknown } | null;
    const volume = typeof raw?.volume === 'number' && raw.volume >= 0 && raw.volume <= 1 ? raw.volume : 0.8;
    return { volume, muted: raw?.muted === true };
  } catch {
    return { volume: 0.8, muted: false };
  }
}

export function saveVolume(volume: number, muted: boolean): void {
  try {
    localStorage.setItem(VOLUME_KEY, JSON.stringify({ volume, muted }));
  } catch {
    // private mode / quota: not worth failing over
  }
}
