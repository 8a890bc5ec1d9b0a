import { useEffect, useRef, type PointerEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../api/problem';
import type { Waveform as WaveformData } from '../api/types';
import { useApi } from '../auth/AuthContext';

function isWaveform(v: unknown): v is WaveformData {
  return typeof v === 'object' && v !== null && Array.isArray((v as WaveformData).peaks);
}

export function useWaveform(trackId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: ['player', 'waveform', trackId],
    enabled: !!trackId,
    staleTime: Infinity,
    queryFn: async () => {
      const data: unknown = unwrap(await api.GET('/api/v1/tracks/{track_id}/waveform', { params: { path: { track_id: trackId! } } }));
      if (!isWaveform(data)) throw new Error('Malformed waveform');
      return data;
    },
  });
}

/** Resample peaks to `bars` columns of [min, max]. */
export function resamplePeaks(peaks: Array<[number, number]>, bars: number): Array<[number, number]> {
  if (peaks.length === 0 || bars <= 0) return [];
  const out: Array<[number, number]> = [];
  for (let i = 0; i < bars; i++) {
    const from = Math.floor((i * peaks.length) / bars);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / bars));
    let lo = 0;
    let hi = 0;
    for (let j = from; j < to && j < peaks.length; j++) {
      const [a, b] = peaks[j]!;
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    out.push([lo, hi]);
  }
  return out;
}

interface Props {
  trackId: string | null;
  position: number;
  duration: number;
  onSeek: (seconds: number) => void;
  className?: string;
}

/**
 * The track's waveform on a canvas, played part in the accent colour. Click/drag seeks; the
 * keyboard-accessible seek control is the slider next to it, so this one is hidden from AT.
 */
export function Waveform({ trackId, position, duration, onSeek, className = 'h-10' }: Props) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const { data } = useWaveform(trackId);
  const dragging = useRef(false);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const draw = () => {
      const ctx = typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent) ? null : canvas.getContext('2d');
      if (!ctx) return;
      const dpr = window.devicePixelRatio || 1;
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      if (w === 0 || h === 0) return;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const barW = 3;
      const gap = 1;
      const bars = Math.max(1, Math.floor(w / (barW + gap)));
      const peaks = data ? resamplePeaks(data.peaks, bars) : Array.from({ length: bars }, () => [-0.04, 0.04] as [number, number]);
      const progress = duration > 0 ? position / duration : 0;
      const mid = h / 2;
      const css = getComputedStyle(canvas);
      const played = css.getPropertyValue('--wf-played').trim() || '#f59e0b';
      const rest = css.getPropertyValue('--wf-rest').trim() || '#525252';
      peaks.forEach(([lo, hi], i) => {
        const x = i * (barW + gap);
        const top = Math.max(1, Math.abs(hi) * mid);
        const bottom = Math.max(1, Math.abs(lo) * mid);
        ctx.fillStyle = (i + 0.5) / bars <= progress ? played : rest;
        ctx.fillRect(x, mid - top, barW, top + bottom);
      });
    };
    draw();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(draw);
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [data, position, duration]);

  const seekAt = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    if (rect.width <= 0 || duration <= 0) return;
    const frac = Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width));
    onSeek(frac * duration);
  };

  return (
    <canvas
      ref={canvasRef}
      data-testid="waveform"
      aria-hidden="true"
      className={`w-full cursor-pointer touch-none [--wf-played:var(--color-accent-400)] [--wf-rest:var(--color-neutral-600)] ${className}`}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture?.(e.pointerId);
        seekAt(e);
      }}
      onPointerMove={(e) => dragging.current && seekAt(e)}
      onPointerUp={() => (dragging.current = false)}
      onPointerCancel={() => (dragging.current = false)}
    />
  );
}
