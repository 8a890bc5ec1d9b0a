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
}

export type QueueAction =
  | { type: 'load'; tracks: Track[]; start?: number }
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

export const emptyQueue: QueueState = { entries: [], index: -1, repeat: 'off', generation: 0, ended: false };

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
      if (entries.length === 0) return { ...state, entries: [], index: -1, ended: false };
      return { ...state, entries, index: clampIndex(action.start ?? 0, entries.length), generation: state.generation + 1, ended: false };
    }
    case 'enqueue': {
      if (action.tracks.length === 0) return state;
      const entries = [...state.entries, ...action.tracks.map(entry)];
      if (state.index === -1) return { ...state, entries, index: 0, generation: state.generation + 1, ended: false };
      return { ...state, entries };
    }
    case 'playNext': {
      if (action.tracks.length === 0) return state;
      const at = state.index + 1;
      const entries = [...state.entries.slice(0, at), ...action.tracks.map(entry), ...state.entries.slice(at)];
      if (state.index === -1) return { ...state, entries, index: 0, generation: state.generation + 1, ended: false };
      return { ...state, entries };
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
      return { ...state, entries: [], index: -1, ended: false };
    case 'repeat':
      return { ...state, repeat: action.mode };
    case 'patchTrack': {
      let changed = false;
      const entries = state.entries.map((e) => {
        if (e.track.id !== action.id) return e;
        changed = true;
        return { ...e, track: { ...e.track, ...action.patch } };
      });
      return changed ? { ...state, entries } : state;
    }
  }
}

export function nextRepeatMode(mode: RepeatMode): RepeatMode {
  return mode === 'off' ? 'all' : mode === 'all' ? 'one' : 'off';
}
