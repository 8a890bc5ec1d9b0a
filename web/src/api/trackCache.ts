import type { Query, QueryClient } from '@tanstack/react-query';
import type { Track } from './types';

/**
 * What a cached query holds, declared in its `meta` (`meta: holds('tracks')`), so shared code can
 * update or refresh it without knowing any feature's query keys:
 * - `tracks`: the data contains Track objects, patched in place when a track changes (love, tag edit);
 * - `plays`: the data changes when the player reports a play (refetched after one).
 */
export type CacheTag = 'tracks' | 'plays';

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: { holds?: readonly CacheTag[] };
  }
}

/** Query `meta` declaring what the query's data holds. */
export function holds(...tags: CacheTag[]) {
  return { holds: tags };
}

const tagged = (tag: CacheTag) => (query: Query) => query.meta?.holds?.includes(tag) ?? false;

function patchDeep(value: unknown, id: string, patch: Partial<Track>): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const n = patchDeep(v, id, patch);
      if (n !== v) changed = true;
      return n;
    });
    return changed ? out : value;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj.id === id && 'streamable' in obj && 'artist_name' in obj) return { ...obj, ...patch };
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const n = patchDeep(v, id, patch);
      if (n !== v) changed = true;
      out[k] = n;
    }
    return changed ? out : value;
  }
  return value;
}

/** Update a track everywhere it is cached (lists, album pages, search, loves, history, …). */
export function patchTrackInCache(queryClient: QueryClient, id: string, patch: Partial<Track>) {
  queryClient.setQueriesData({ predicate: tagged('tracks') }, (old: unknown) => (old === undefined ? old : patchDeep(old, id, patch)));
}

/** Refetch every query whose data holds `tag`. */
export function invalidateTagged(queryClient: QueryClient, tag: CacheTag) {
  return queryClient.invalidateQueries({ predicate: tagged(tag) });
}
