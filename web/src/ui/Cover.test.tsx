import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/react';
import { Cover } from './Cover';

describe('Cover', () => {
  it('shows the cover image when there is one', () => {
    const { container } = render(<Cover seed="a1" label="Homogenic" src="/api/v1/files/art/256.jpg?sig=x" />);
    const img = container.querySelector('img');
    expect(img).not.toBeNull();
    expect(img!.getAttribute('src')).toBe('/api/v1/files/art/256.jpg?sig=x');
    expect(container).not.toHaveTextContent('HO');
  });

  it('falls back to the generated placeholder without an image, or when it fails to load', () => {
    const { container, rerender } = render(<Cover seed="a1" label="Homogenic" />);
    expect(container.querySelector('img')).toBeNull();
    expect(container).toHaveTextContent('HO');

    rerender(<Cover seed="a1" label="Homogenic" src="/broken.jpg" />);
    fireEvent.error(container.querySelector('img')!);
    expect(container.querySelector('img')).toBeNull();
    expect(container).toHaveTextContent('HO');

    // A new URL (say, a changed cover) is tried again.
    rerender(<Cover seed="a1" label="Homogenic" src="/fixed.jpg" />);
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/fixed.jpg');
  });
});
