import { useState } from 'react';

/**
 * Artwork: the cover image when the API has one (signed URLs, one per size), else, and when the
 * image fails to load, a generated placeholder: a gradient picked from the seed plus initials.
 */

function hash(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '♪';
  const first = words[0]!.charAt(0);
  const second = words.length > 1 ? words[words.length - 1]!.charAt(0) : words[0]!.charAt(1);
  return (first + second).toUpperCase();
}

export function coverColors(seed: string): [string, string] {
  const h = hash(seed);
  const hue1 = h % 360;
  const hue2 = (hue1 + 40 + ((h >>> 9) % 80)) % 360;
  return [`hsl(${hue1} 65% 45%)`, `hsl(${hue2} 70% 22%)`];
}

/** An SVG data URL of the placeholder (for the Media Session artwork). */
export function coverDataUrl(seed: string, label: string, size = 512): string {
  const [a, b] = coverColors(seed);
  const text = initials(label).replace(/[<&>"]/g, '');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>` +
    `<rect width="100" height="100" fill="url(#g)"/>` +
    `<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="34" font-weight="700" fill="rgba(255,255,255,.9)">${text}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

interface CoverProps {
  /** Stable id (album/track/artist id) that picks the colours. */
  seed: string;
  /** Text the initials come from. */
  label: string;
  /** The cover image URL, when there is one. */
  src?: string | null;
  className?: string;
  rounded?: 'md' | 'lg' | 'full';
}

export function Cover({ seed, label, src, className = 'h-10 w-10', rounded = 'md' }: CoverProps) {
  const [failed, setFailed] = useState<string | null>(null);
  const [a, b] = coverColors(seed);
  const radius = rounded === 'full' ? 'rounded-full' : rounded === 'lg' ? 'rounded-xl' : 'rounded-md';
  if (src && src !== failed) {
    return (
      <img
        src={src}
        alt=""
        aria-hidden="true"
        loading="lazy"
        decoding="async"
        draggable={false}
        onError={() => setFailed(src)}
        className={`${className} ${radius} shrink-0 select-none bg-neutral-800 object-cover shadow-inner`}
      />
    );
  }
  return (
    <div
      aria-hidden="true"
      className={`${className} ${radius} flex shrink-0 select-none items-center justify-center overflow-hidden font-bold text-white/90 shadow-inner`}
      style={{ backgroundImage: `linear-gradient(135deg, ${a}, ${b})`, containerType: 'inline-size' }}
    >
      <span style={{ fontSize: 'max(0.6rem, 34cqi)' }}>{initials(label)}</span>
    </div>
  );
}
