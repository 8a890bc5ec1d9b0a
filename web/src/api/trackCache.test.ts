import { describe, expect, it } from 'vitest';
import { makeTrack } from '../test/fixtures';
import { createQueryClient } from './queryClient';
import { holds, invalidateTagged, patchTrackInCache } from './trackCache';

describe('track cache', () => {
  it('patches a track in every query that holds tracks, and nothing else', async () => {
    const qc = createQueryClient();
    const t1 = makeTrack(1);
    const t2 = makeTrack(2);
    const page = { pages: [{ items: [t1, t2], next_cursor: null }], pageParams: [null] };
    await qc.prefetchQuery({ queryKey: ['a', 'list'], queryFn: () => page, meta: holds('tracks') });
    await qc.prefetchQuery({ queryKey: ['b', 'detail'], queryFn: () => ({ title: 'Album', tracks: [t1] }), meta: holds('tracks', 'plays') });
    const other = { id: t1.id, streamable: true, artist_name: 'not a cached track list' };
    await qc.prefetchQuery({ queryKey: ['c', 'untagged'], queryFn: () => other });

    patchTrackInCache(qc, t1.id, { loved: true });

    const list = qc.getQueryData<typeof page>(['a', 'list'])!;
    expect(list.pages[0]!.items.map((t) => t.loved)).toEqual([true, false]);
    expect(list.pages[0]!.items[1]).toBe(t2); // untouched rows keep their identity
    expect(qc.getQueryData<{ tracks: typeof t1[] }>(['b', 'detail'])!.tracks[0]!.loved).toBe(true);
    expect(qc.getQueryData(['c', 'untagged'])).toBe(other);
  });

  it('invalidates only the queries holding the tag', async () => {
    const qc = createQueryClient();
    await qc.prefetchQuery({ queryKey: ['x', 'history'], queryFn: () => [], meta: holds('tracks', 'plays') });
    await qc.prefetchQuery({ queryKey: ['x', 'loves'], queryFn: () => [], meta: holds('tracks') });
    await invalidateTagged(qc, 'plays');
    expect(qc.getQueryState(['x', 'history'])!.isInvalidated).toBe(true);
    expect(qc.getQueryState(['x', 'loves'])!.isInvalidated).toBe(false);
  });
});
