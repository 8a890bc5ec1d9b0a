import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeTrack } from '../../../test/fixtures';
import { makeTokens, mockFetch, renderApp, tokenPair } from '../../../test/utils';
import { TrackList } from './TrackList';

const ROWS = 100_000;
const tracks = Array.from({ length: ROWS }, (_, i) => makeTrack(i));

function setup(props: Partial<Parameters<typeof TrackList>[0]> = {}) {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  mockFetch();
  return renderApp(<TrackList tracks={tracks} label="Tracks" {...props} />, { tokens });
}

describe('TrackList (virtualised)', () => {
  beforeEach(() => {
    vi.spyOn(window, 'scrollTo').mockImplementation(() => {}); // jsdom has no scrolling
  });

  it('renders only a small window of 100k rows', () => {
    setup();
    const table = screen.getByRole('table', { name: 'Tracks' });
    expect(table).toHaveAttribute('aria-rowcount', String(ROWS + 1));
    const rows = within(table).getAllByRole('row').slice(1); // minus the header row
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByText('Track 0')).toBeInTheDocument();
    expect(screen.queryByText('Track 99999')).not.toBeInTheDocument();
    // The list still takes the full height, so the scrollbar is right.
    const body = within(table).getAllByRole('rowgroup')[1]!;
    expect(body.style.height).toBe(`${ROWS * 56}px`);
  });

  it('renders the rows at the scroll position and asks for more near the end', () => {
    const loadMore = vi.fn();
    setup({ hasMore: true, loadMore });
    expect(loadMore).not.toHaveBeenCalled();
    // Scroll the window near the end of the list.
    Object.defineProperty(window, 'scrollY', { configurable: true, value: (ROWS - 10) * 56 });
    Object.defineProperty(window, 'pageYOffset', { configurable: true, value: (ROWS - 10) * 56 });
    fireEvent.scroll(window);
    expect(screen.getByText('Track 99999')).toBeInTheDocument();
    expect(screen.queryByText('Track 0')).not.toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Tracks' })).getAllByRole('row');
    expect(rows.length).toBeLessThan(60);
    expect(loadMore).toHaveBeenCalled();
    Object.defineProperty(window, 'scrollY', { configurable: true, value: 0 });
    Object.defineProperty(window, 'pageYOffset', { configurable: true, value: 0 });
  });

  it('plays on Enter and on a single click on the row (not on its links), and sorts from the column headers', async () => {
    const onPlay = vi.fn();
    const onSort = vi.fn();
    setup({ onPlay, sort: { sort: 'created', order: 'desc', onSort } });
    const user = userEvent.setup();
    const row = screen.getByText('Track 2').closest('[role="row"]') as HTMLElement;
    await user.click(row);
    expect(onPlay).toHaveBeenLastCalledWith(2);
    expect(onPlay).toHaveBeenCalledTimes(1);
    // A click on the row's artist link follows the link and plays nothing.
    const link = within(screen.getByText('Track 4').closest('[role="row"]') as HTMLElement).getAllByRole('link')[0]!;
    await user.click(link);
    expect(onPlay).toHaveBeenCalledTimes(1);
    row.focus();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onPlay).toHaveBeenLastCalledWith(3);
    await user.click(screen.getByRole('button', { name: /^Title/ }));
    expect(onSort).toHaveBeenCalledWith('title');
  });

  it('marks tracks still processing (they play) and broken ones (they do not)', async () => {
    const onPlay = vi.fn();
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch();
    const tracks = [
      makeTrack(1, { streamable: true, hls: false, status: 'processing' }),
      makeTrack(2, { streamable: false, hls: false, status: 'failed' }),
    ];
    renderApp(<TrackList tracks={tracks} label="Tracks" onPlay={onPlay} />, { tokens });
    expect(screen.getByText('processing')).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Track 2 cannot be played (failed)' })).toBeDisabled();
    const user = userEvent.setup();
    await user.click(screen.getByText('Track 2'));
    expect(onPlay).not.toHaveBeenCalled();
    await user.click(screen.getByText('Track 1'));
    expect(onPlay).toHaveBeenCalledWith(0);
  });
});
