import type { Track } from '../api/types';

/** Pure queue logic for the player (no audio, no I/O): easy to test and reason about. */

export type RepeatMode = 'off' | 'all' | 'one';

export interface QueueEntry {
  /** Unique per entry, so the same track can be queued twice. */
  key: string;
  track: Track;
}

export interface QueueState {
  entries: QueueEntry[];
  /** Index of the current entry; -1 when the queue is empty. */
  index: number;
  repeat: RepeatMode;
  /** Bumped each time the current entry must (re)start from the top, even if it is the same one. */
  generation: number;
  /** Set when "next" ran past the end with repeat off: the player stops. */
  ended: boolean;
  /** Shuffle on: the entries after the current one were put in a random order. */
  shuffle: boolean;
  /** The order before shuffling, put back when shuffle goes off (entries added since at its end). */
  unshuffled: QueueEntry[] | null;
}

export type QueueAction =
  | { type: 'load'; tracks: Track[]; start?: number; shuffle?: boolean; random?: () => number }
  | { type: 'shuffle'; on: boolean; random?: () => number }
  | { type: 'enqueue'; tracks: Track[] }
  | { type: 'playNext'; tracks: Track[] }
  | { type: 'next'; auto?: boolean }
  | { type: 'previous' }
  | { type: 'jump'; index: number }
  | { type: 'remove'; index: number }
  | { type: 'move'; from: number; to: number }
  | { type: 'clear' }
  | { type: 'repeat'; mode: RepeatMode }
  | { type: 'patchTrack'; id: string; patch: Partial<Track> };

export const emptyQueue: QueueState = { entries: [], index: -1, repeat: 'off', generation: 0, ended: false, shuffle: false, unshuffled: null };

/** Fisher–Yates: a uniformly random order of `items` (a new array). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

let keySeq = 0;
function entry(track: Track): QueueEntry {
  keySeq += 1;
  return { key: `q${keySeq}-${track.id}`, track };
}

/** Only tracks that can stream go into the queue. */
export function playable(tracks: Track[]): Track[] {
  return tracks.filter((t) => t.streamable);
}

export function currentEntry(state: QueueState): QueueEntry | null {
  return state.index >= 0 ? (state.entries[state.index] ?? null) : null;
}

export function hasNext(state: QueueState): boolean {
  return state.entries.length > 0 && (state.repeat !== 'off' || state.index < state.entries.length - 1);
}

export function hasPrevious(state: QueueState): boolean {
  return state.entries.length > 0 && (state.index > 0 || state.repeat === 'all');
}

/** "Previous" restarts the current track when it has played for longer than this (seconds). */
export const RESTART_THRESHOLD = 3;

/** What the previous button should do at `position` seconds into the current track. */
export function previousAction(state: QueueState, position: number): 'restart' | 'previous' {
  if (position > RESTART_THRESHOLD || !hasPrevious(state)) return 'restart';
  return 'previous';
}

function clampIndex(i: number, len: number): number {
  return Math.max(0, Math.min(len - 1, i));
}

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  const len = state.entries.length;
  switch (action.type) {
    case 'load': {
      const entries = action.tracks.map(entry);
      if (entries.length === 0) return { ...state, entries: [], index: -1, ended: false, unshuffled: null };
      const shuffle = action.shuffle ?? state.shuffle;
      if (!shuffle) {
        return { ...state, entries, index: clampIndex(action.start ?? 0, entries.length), generation: state.generation + 1, ended: false, shuffle, unshuffled: null };
      }
      // Shuffled: the chosen track first (a random one if none was chosen), the rest in a random order.
      const random = action.random ?? Math.random;
      const first = action.start !== undefined ? clampIndex(action.start, entries.length) : Math.floor(random() * entries.length);
      const rest = shuffled(entries.filter((_, i) => i !== first), random);
      return { ...state, entries: [entries[first]!, ...rest], index: 0, generation: state.generation + 1, ended: false, shuffle, unshuffled: entries };
    }
    case 'shuffle': {
      if (action.on === state.shuffle) return state;
      if (action.on) {
        const head = state.entries.slice(0, state.index + 1);
        const tail = shuffled(state.entries.slice(state.index + 1), action.random);
        return { ...state, entries: [...head, ...tail], shuffle: true, unshuffled: state.entries };
      }
      // Back to the order they were in; the current entry stays current.
      const present = new Set(state.entries.map((e) => e.key));
      const before = (state.unshuffled ?? []).filter((e) => present.has(e.key));
      const known = new Set(before.map((e) => e.key));
      const entries = [...before, ...state.entries.filter((e) => !known.has(e.key))];
      const key = currentEntry(state)?.key;
      const index = key ? entries.findIndex((e) => e.key === key) : -1;
      return { ...state, entries, index, shuffle: false, unshuffled: null };
    }
    case 'enqueue': {
      if (action.tracks.length === 0) return state;
      const added = action.tracks.map(entry);
      const entries = [...state.entries, ...added];
      const unshuffled = state.unshuffled ? [...state.unshuffled, ...added] : null;
      if (state.index === -1) return { ...state, entries, unshuffled, index: 0, generation: state.generation + 1, ended: false };
      return { ...state, entries, unshuffled };
    }
    case 'playNext': {
      if (action.tracks.length === 0) return state;
      const at = state.index + 1;
      const added = action.tracks.map(entry);
      const entries = [...state.entries.slice(0, at), ...added, ...state.entries.slice(at)];
      let unshuffled = state.unshuffled;
      if (unshuffled) {
        const key = currentEntry(state)?.key;
        const here = unshuffled.findIndex((e) => e.key === key) + 1;
        unshuffled = [...unshuffled.slice(0, here), ...added, ...unshuffled.slice(here)];
      }
      if (state.index === -1) return { ...state, entries, unshuffled, index: 0, generation: state.generation + 1, ended: false };
      return { ...state, entries, unshuffled };
    }
    case 'next': {
      if (len === 0) return state;
      // A track that ends on its own repeats under "one"; a press of next always moves on.
      if (action.auto && state.repeat === 'one') return { ...state, generation: state.generation + 1, ended: false };
      if (state.index < len - 1) return { ...state, index: state.index + 1, generation: state.generation + 1, ended: false };
      if (state.repeat !== 'off') return { ...state, index: 0, generation: state.generation + 1, ended: false };
      // End of the queue: stay on the last entry, stopped.
      return { ...state, ended: true };
    }
    case 'previous': {
      if (len === 0) return state;
      if (state.index > 0) return { ...state, index: state.index - 1, generation: state.generation + 1, ended: false };
      if (state.repeat === 'all') return { ...state, index: len - 1, generation: state.generation + 1, ended: false };
      return { ...state, generation: state.generation + 1, ended: false }; // restart the first track
    }
    case 'jump': {
      if (action.index < 0 || action.index >= len) return state;
      return { ...state, index: action.index, generation: state.generation + 1, ended: false };
    }
    case 'remove': {
      if (action.index < 0 || action.index >= len) return state;
      const entries = state.entries.filter((_, i) => i !== action.index);
      if (entries.length === 0) return { ...state, entries, index: -1, ended: false };
      if (action.index < state.index) return { ...state, entries, index: state.index - 1 };
      if (action.index > state.index) return { ...state, entries };
      // Removed the current entry: the one after it (or the new last) becomes current.
      return { ...state, entries, index: clampIndex(state.index, entries.length), generation: state.generation + 1, ended: false };
    }
    case 'move': {
      const { from } = action;
      if (from < 0 || from >= len) return state;
      const to = clampIndex(action.to, len);
      if (from === to) return state;
      const entries = [...state.entries];
      const [moved] = entries.splice(from, 1);
      entries.splice(to, 0, moved!);
      let index = state.index;
      if (from === state.index) index = to;
      else if (from < state.index && to >= state.index) index -= 1;
      else if (from > state.index && to <= state.index) index += 1;
      return { ...state, entries, index };
    }
    case 'clear':
      return { ...state, entries: [], index: -1, ended: false, unshuffled: state.shuffle ? [] : null };
    case 'repeat':
      return { ...state, repeat: action.mode };
    case 'patchTrack': {
      let changed = false;
      const patch = (e: QueueEntry) => {
        if (e.track.id !== action.id) return e;
        changed = true;
        return { ...e, track: { ...e.track, ...action.patch } };
      };
      const entries = state.entries.map(patch);
      const unshuffled = state.unshuffled?.map(patch) ?? null;
      return changed ? { ...state, entries, unshuffled } : state;
    }
  }
}

export function nextRepeatMode(mode: RepeatMode): RepeatMode {
  return mode === 'off' ? 'all' : mode === 'all' ? 'one' : 'off';
}
