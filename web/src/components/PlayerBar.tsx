/**
 * Reserved region for the audio player. Intentionally empty until playback lands:
 * no fake controls.
 */
export function PlayerBar() {
  return (
    <section
      data-testid="player-bar"
      aria-label="Player"
      className="fixed inset-x-0 bottom-0 z-30 h-16 border-t border-neutral-800 bg-neutral-950/95 backdrop-blur supports-[backdrop-filter]:bg-neutral-950/80"
    />
  );
}
