import type { Track } from '../../../api/types';
import { HeartIcon } from '../../../ui/icons';
import { useLoveToggle } from '../api';

export function LoveButton({ track, className = '' }: { track: Track; className?: string }) {
  const love = useLoveToggle();
  const loved = track.loved;
  return (
    <button
      type="button"
      aria-pressed={loved}
      aria-label={`${loved ? 'Unlove' : 'Love'} ${track.title}`}
      title={loved ? 'Remove from Loves' : 'Add to Loves'}
      onClick={(e) => {
        e.stopPropagation();
        love.mutate({ track, loved: !loved });
      }}
      onDoubleClick={(e) => e.stopPropagation()}
      className={`rounded-full p-1.5 transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400 ${
        loved ? 'text-accent-400 hover:text-accent-300' : 'text-neutral-500 hover:text-white'
      } ${className}`}
    >
      <HeartIcon filled={loved} className="h-4 w-4" />
    </button>
  );
}
