import { createElement, useId, useState } from 'react';

/**
 * Artwork: the cover image when the API has one (signed URLs, one per size), else, and when the
 * image fails to load, a generated cover: an inline SVG drawn from the name (an album's title, a
 * track's or an artist's name). A hash of the name picks the palette, the gradient's direction and
 * one of a few geometric motifs, so the same name always gets the same cover (an album's grid
 * card, its page header, its tracks' rows and the player bar match) and different names differ.
 * No text and no network request: it reads at 32 px as at 200 px, and the title sits next to it.
 */

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** mulberry32: a small deterministic stream of numbers in [0, 1) from one seed. */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function key(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface CoverPalette {
  /** Gradient start (the lighter end) and end (the darker end). */
  from: string;
  to: string;
  /** The motif's colour. */
  accent: string;
}

export type Motif = 'rings' | 'stripes' | 'orbs' | 'dots' | 'waves' | 'peaks';
const MOTIFS: readonly Motif[] = ['rings', 'stripes', 'orbs', 'dots', 'waves', 'peaks'];

/** One SVG element of the motif: its tag and its attributes (React's camelCase names). */
export interface Shape {
  tag: 'circle' | 'rect' | 'path' | 'polygon';
  attrs: Record<string, string | number>;
}

export interface CoverPattern {
  palette: CoverPalette;
  motif: Motif;
  /** Direction of the background gradient, in degrees. */
  angle: number;
  shapes: Shape[];
}

/** OKLCH keeps lightness even across hues: no acid greens next to murky blues. */
const oklch = (l: number, c: number, h: number) => `oklch(${l.toFixed(3)} ${c.toFixed(3)} ${(h % 360).toFixed(1)})`;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** The palette for a name: rich but not bright, so it sits well in the dark UI. */
export function coverColors(name: string): CoverPalette {
  const next = stream(hash(key(name)));
  const hue = next() * 360;
  const hue2 = hue + 25 + next() * 60;
  const accentHue = hue + 140 + next() * 80;
  return {
    from: oklch(0.5 + next() * 0.1, 0.11 + next() * 0.05, hue),
    to: oklch(0.2 + next() * 0.06, 0.05 + next() * 0.04, hue2),
    accent: oklch(0.8 + next() * 0.06, 0.09 + next() * 0.05, accentHue),
  };
}

function motifShapes(motif: Motif, next: () => number, accent: string): Shape[] {
  const shapes: Shape[] = [];
  const add = (tag: Shape['tag'], attrs: Shape['attrs']) => shapes.push({ tag, attrs });
  switch (motif) {
    case 'rings': {
      // Off-centre grooves, like a record seen close up.
      const cx = r1(15 + next() * 70);
      const cy = r1(15 + next() * 70);
      const step = 7 + Math.floor(next() * 5);
      for (let r = step, i = 0; r < 140; r += step, i++) {
        add('circle', { cx, cy, r, fill: 'none', stroke: accent, strokeWidth: i % 3 === 0 ? 3.2 : 1.8, opacity: r1(0.7 - r / 260) });
      }
      add('circle', { cx, cy, r: step * 0.6, fill: accent, opacity: 0.85 });
      break;
    }
    case 'stripes': {
      const angle = [30, 45, 60, 120, 135, 150][Math.floor(next() * 6)]!;
      const width = 6 + Math.floor(next() * 8);
      const bold = Math.floor(next() * 6);
      for (let i = 0, x = -80; x < 180; x += width * 2, i++) {
        add('rect', {
          x,
          y: -80,
          width: i === bold ? width * 1.6 : width,
          height: 260,
          fill: accent,
          opacity: i === bold ? 0.75 : 0.18,
          transform: `rotate(${angle} 50 50)`,
        });
      }
      break;
    }
    case 'orbs': {
      // Two or three big overlapping discs.
      const count = 2 + Math.floor(next() * 2);
      for (let i = 0; i < count; i++) {
        add('circle', {
          cx: r1(10 + next() * 80),
          cy: r1(10 + next() * 80),
          r: r1(22 + next() * 26),
          fill: i === 0 ? accent : '#ffffff',
          opacity: i === 0 ? 0.7 : r1(0.08 + next() * 0.12),
        });
      }
      break;
    }
    case 'dots': {
      const n = 4 + Math.floor(next() * 3);
      const gap = 100 / n;
      const tilt = next() < 0.5;
      for (let row = 0; row < n; row++) {
        for (let col = 0; col < n; col++) {
          const big = next() < 0.18;
          add('circle', {
            cx: r1(gap * (col + 0.5) + (tilt && row % 2 ? gap / 2 : 0)),
            cy: r1(gap * (row + 0.5)),
            r: r1(gap * (big ? 0.36 : 0.14 + next() * 0.1)),
            fill: accent,
            opacity: big ? 0.8 : 0.35,
          });
        }
      }
      break;
    }
    case 'waves': {
      const count = 4 + Math.floor(next() * 3);
      const amp = 5 + next() * 9;
      const phase = next() * 50;
      for (let i = 0; i < count; i++) {
        const y = 25 + (i * 75) / count;
        const x0 = -50 + phase;
        let d = `M${r1(x0)} ${r1(y)}`;
        for (let x = x0; x < 150; x += 50) d += ` q12.5 ${r1(i % 2 ? amp : -amp)} 25 0 t25 0`;
        d += ' V110 H-60 Z';
        add('path', { d, fill: accent, opacity: r1(0.12 + (i / count) * 0.25) });
      }
      break;
    }
    case 'peaks': {
      const count = 2 + Math.floor(next() * 3);
      for (let i = 0; i < count; i++) {
        const base = 100;
        const peak = r1(20 + next() * 50);
        const x = r1(-20 + next() * 110);
        const half = r1(30 + next() * 35);
        add('polygon', { points: `${r1(x - half)},${base} ${x},${peak} ${r1(x + half)},${base}`, fill: i === count - 1 ? accent : '#ffffff', opacity: i === count - 1 ? 0.7 : 0.1 });
      }
      break;
    }
  }
  return shapes;
}

/** Everything the cover for `name` is made of; a pure function of the name. */
export function coverPattern(name: string): CoverPattern {
  const palette = coverColors(name);
  const next = stream(hash(`motif:${key(name)}`));
  const motif = MOTIFS[Math.floor(next() * MOTIFS.length)]!;
  const angle = Math.floor(next() * 8) * 45;
  return { palette, motif, angle, shapes: motifShapes(motif, next, palette.accent) };
}

function gradientVector(angle: number) {
  const rad = (angle * Math.PI) / 180;
  const dx = Math.cos(rad) / 2;
  const dy = Math.sin(rad) / 2;
  return { x1: r1(0.5 - dx), y1: r1(0.5 - dy), x2: r1(0.5 + dx), y2: r1(0.5 + dy) };
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const escape = (v: string | number) => String(v).replace(/[<&>"]/g, '');

/** An SVG data URL of the generated cover (for the Media Session artwork). */
export function coverDataUrl(_seed: string, label: string, size = 512): string {
  const p = coverPattern(label);
  const g = gradientVector(p.angle);
  const shapes = p.shapes
    .map((s) => `<${s.tag} ${Object.entries(s.attrs).map(([k, v]) => `${kebab(k)}="${escape(v)}"`).join(' ')}/>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">` +
    `<defs><linearGradient id="bg" x1="${g.x1}" y1="${g.y1}" x2="${g.x2}" y2="${g.y2}"><stop offset="0" stop-color="${p.palette.from}"/><stop offset="1" stop-color="${p.palette.to}"/></linearGradient>` +
    `<radialGradient id="sheen" cx="0.25" cy="0.2" r="0.9"><stop offset="0" stop-color="#fff" stop-opacity="0.18"/><stop offset="0.6" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.35"/></radialGradient></defs>` +
    `<rect width="100" height="100" fill="url(#bg)"/>${shapes}<rect width="100" height="100" fill="url(#sheen)"/></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The generated cover as inline SVG: decorative, it fills its box. */
export function GeneratedCover({ name, className }: { name: string; className?: string }) {
  // Ids are per instance: many covers share a page, and `url(#id)` takes the first match.
  const uid = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const p = coverPattern(name);
  const g = gradientVector(p.angle);
  return (
    <svg
      viewBox="0 0 100 100"
      preserveAspectRatio="xMidYMid slice"
      aria-hidden="true"
      focusable="false"
      className={className}
      data-motif={p.motif}
    >
      <defs>
        <linearGradient id={`${uid}-bg`} {...g}>
          <stop offset="0" stopColor={p.palette.from} />
          <stop offset="1" stopColor={p.palette.to} />
        </linearGradient>
        <radialGradient id={`${uid}-sheen`} cx="0.25" cy="0.2" r="0.9">
          <stop offset="0" stopColor="#fff" stopOpacity="0.18" />
          <stop offset="0.6" stopColor="#fff" stopOpacity="0" />
          <stop offset="1" stopColor="#000" stopOpacity="0.35" />
        </radialGradient>
      </defs>
      <rect width="100" height="100" fill={`url(#${uid}-bg)`} />
      {p.shapes.map((s, i) => createElement(s.tag, { key: i, ...s.attrs }))}
      <rect width="100" height="100" fill={`url(#${uid}-sheen)`} />
    </svg>
  );
}

interface CoverProps {
  /** Stable id of the thing shown (album/track/artist). The generated cover is drawn from
   * `label`, so one album looks the same wherever its tracks appear. */
  seed?: string;
  /** The name the generated cover is drawn from (the album's title, else the track's). */
  label: string;
  /** The cover image URL, when there is one. */
  src?: string | null;
  className?: string;
  rounded?: 'md' | 'lg' | 'full';
  /** Other sizes of the same image (`url 600w, ...`) and the box's width (`sizes`), so the browser
   * fetches the smallest that is sharp at the screen's pixel density. */
  srcSet?: string;
  sizes?: string;
  /** Above the fold and likely the page's largest picture: fetched at once and first, not lazily. */
  priority?: boolean;
}

/** `srcSet` for the stored cover sizes (64, 256 and 600 px wide). */
export function coverSrcSet(art: { small?: string | null; medium?: string | null; large?: string | null } | null | undefined): string | undefined {
  if (!art) return undefined;
  const parts = [art.small && `${art.small} 64w`, art.medium && `${art.medium} 256w`, art.large && `${art.large} 600w`].filter(Boolean);
  return parts.length > 1 ? parts.join(', ') : undefined;
}

export function Cover({ label, src, className = 'h-10 w-10', rounded = 'md', srcSet, sizes, priority = false }: CoverProps) {
  const [failed, setFailed] = useState<string | null>(null);
  const radius = rounded === 'full' ? 'rounded-full' : rounded === 'lg' ? 'rounded-xl' : 'rounded-md';
  if (src && src !== failed) {
    return (
      <img
        src={src}
        srcSet={srcSet}
        sizes={srcSet ? sizes : undefined}
        alt=""
        aria-hidden="true"
        loading={priority ? 'eager' : 'lazy'}
        fetchPriority={priority ? 'high' : undefined}
        decoding="async"
        draggable={false}
        onError={() => setFailed(src)}
        className={`${className} ${radius} shrink-0 select-none bg-neutral-800 object-cover shadow-inner`}
      />
    );
  }
  return (
    <div aria-hidden="true" className={`${className} ${radius} relative shrink-0 select-none overflow-hidden bg-neutral-800 shadow-inner`}>
      <GeneratedCover name={label} className="absolute inset-0 h-full w-full" />
    </div>
  );
}
