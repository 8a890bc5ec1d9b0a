import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/react';
import { Cover, coverDataUrl, coverPattern } from './Cover';

const NAMES = ['Homogenic', 'Kind of Blue', 'Blue Lines', 'Untitled', 'Selected Ambient Works 85–92', 'OK Computer', 'Mezzanine', 'Vespertine'];

describe('Cover', () => {
  it('shows the cover image when there is one', () => {
    const { container } = render(<Cover seed="a1" label="Homogenic" src="/api/v1/files/art/256.jpg?sig=x" />);
    const img = container.querySelector('img');
    expect(img).not.toBeNull();
    expect(img!.getAttribute('src')).toBe('/api/v1/files/art/256.jpg?sig=x');
    expect(container.querySelector('svg')).toBeNull();
  });

  it('falls back to the generated cover without an image, or when it fails to load', () => {
    const { container, rerender } = render(<Cover seed="a1" label="Homogenic" />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('svg')).not.toBeNull();

    rerender(<Cover seed="a1" label="Homogenic" src="/broken.jpg" />);
    fireEvent.error(container.querySelector('img')!);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('svg')).not.toBeNull();

    // A new URL (say, a changed cover) is tried again.
    rerender(<Cover seed="a1" label="Homogenic" src="/fixed.jpg" />);
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/fixed.jpg');
  });

  it('renders the generated cover as a decorative inline SVG that fetches nothing', () => {
    const { container } = render(<Cover seed="a1" label="Kind of Blue" className="h-9 w-9" />);
    const wrapper = container.firstElementChild as HTMLElement;
    expect(wrapper).toHaveAttribute('aria-hidden', 'true');
    expect(wrapper).toHaveClass('h-9', 'w-9');
    const svg = wrapper.querySelector('svg')!;
    expect(svg).toHaveAttribute('aria-hidden', 'true');
    expect(svg).toHaveAttribute('viewBox', '0 0 100 100');
    expect(svg.querySelector('linearGradient')).not.toBeNull();
    // A motif on top of the gradient, and nothing that loads from anywhere.
    expect(svg.querySelectorAll('circle, rect, path, polygon').length).toBeGreaterThan(2);
    expect(svg.querySelector('image, use, text')).toBeNull();
    expect(svg.outerHTML).not.toMatch(/href|https?:/);
  });

  it('draws the same cover for the same name, wherever it appears', () => {
    expect(coverPattern('Homogenic')).toEqual(coverPattern('Homogenic'));
    // Spacing and case do not make another album.
    expect(coverPattern('  kind of  BLUE ')).toEqual(coverPattern('Kind of Blue'));
    const a = render(<Cover seed="album-1" label="Blue Lines" />).container;
    const b = render(<Cover seed="track-9" label="Blue Lines" />).container;
    const shapes = (c: Element) => [...c.querySelectorAll('svg > :not(defs)')].slice(1, -1).map((e) => e.outerHTML);
    expect(shapes(a)).toEqual(shapes(b));
    expect(a.querySelector('stop')!.getAttribute('stop-color')).toBe(b.querySelector('stop')!.getAttribute('stop-color'));
  });

  it('gives different names different colours and a mix of motifs', () => {
    const palettes = NAMES.map((n) => coverPattern(n).palette);
    expect(new Set(palettes.map((p) => p.from)).size).toBe(NAMES.length);
    expect(new Set(palettes.map((p) => p.accent)).size).toBe(NAMES.length);
    expect(new Set(NAMES.map((n) => coverPattern(n).motif)).size).toBeGreaterThan(2);
  });

  it('keeps gradient ids unique per instance, so covers on one page do not borrow colours', () => {
    const { container } = render(
      <>
        <Cover label="Mezzanine" />
        <Cover label="Vespertine" />
      </>,
    );
    const ids = [...container.querySelectorAll('linearGradient')].map((g) => g.id);
    expect(new Set(ids).size).toBe(2);
    const fills = [...container.querySelectorAll('svg')].map((s) => s.querySelector('rect')!.getAttribute('fill'));
    expect(fills).toEqual(ids.map((id) => `url(#${id})`));
  });

  it('offers the same cover as a data URL for the Media Session', () => {
    const url = coverDataUrl('a1', 'OK Computer');
    expect(url.startsWith('data:image/svg+xml')).toBe(true);
    const svg = decodeURIComponent(url.split(',')[1]!);
    expect(svg).toContain(coverPattern('OK Computer').palette.from);
    expect(svg).not.toMatch(/strokeWidth|stopColor/);
  });
});
