import { useEffect, useRef } from 'react';

/** Calls `onVisible` when the sentinel scrolls into view (infinite grids). */
export function LoadMoreSentinel({ onVisible, disabled, busy }: { onVisible: () => void; disabled?: boolean; busy?: boolean }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const cb = useRef(onVisible);
  cb.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || disabled || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && cb.current(), { rootMargin: '600px' });
    io.observe(el);
    return () => io.disconnect();
  }, [disabled]);
  if (disabled) return null;
  return (
    <div ref={ref} className="flex justify-center py-4">
      <button type="button" onClick={onVisible} disabled={busy} className="text-sm text-neutral-400 hover:text-white disabled:opacity-60">
        {busy ? 'Loading more…' : 'Load more'}
      </button>
    </div>
  );
}
