import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { flattenPages, useKeysetInfinite, type KeysetPage } from './infinite';
import { createQueryClient } from './queryClient';

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createQueryClient()}>{children}</QueryClientProvider>;
}

describe('useKeysetInfinite', () => {
  it('starts with cursor null, follows next_cursor and stops when it is null', async () => {
    const pages: Record<string, KeysetPage<number>> = {
      start: { items: [1, 2], next_cursor: 'c2' },
      c2: { items: [3], next_cursor: null },
    };
    const fetchPage = vi.fn(async (cursor: string | null, _signal: AbortSignal) => pages[cursor ?? 'start']!);
    const { result } = renderHook(() => useKeysetInfinite(['test', 'numbers'], fetchPage), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.hasNextPage).toBe(true);
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(flattenPages(result.current.data)).toEqual([1, 2, 3]));
    expect(result.current.hasNextPage).toBe(false);
    expect(fetchPage.mock.calls.map(([cursor]) => cursor)).toEqual([null, 'c2']);
    expect(fetchPage.mock.calls[0]![1]).toBeInstanceOf(AbortSignal);
  });

  it('flattenPages is empty before the first page', () => {
    expect(flattenPages(undefined)).toEqual([]);
  });
});
