import { describe, expect, it } from 'vitest';
import { makeTrack } from '../test/fixtures';
import { currentEntry, emptyQueue, hasNext, hasPrevious, previousAction, queueReducer, type QueueAction, type QueueState } from './queue';

const [a, b, c, d] = [makeTrack(1), makeTrack(2), makeTrack(3), makeTrack(4)];
const run = (state: QueueState, ...actions: QueueAction[]) => actions.reduce(queueReducer, state);
const titles = (s: QueueState) => s.entries.map((e) => e.track.title);
const current = (s: QueueState) => currentEntry(s)?.track.title ?? null;

describe('queue reducer', () => {
  it('loads a list and starts at the given index', () => {
    const s = run(emptyQueue, { type: 'load', tracks: [a, b, c], start: 1 });
    expect(titles(s)).toEqual(['Track 1', 'Track 2', 'Track 3']);
    expect(current(s)).toBe('Track 2');
    expect(s.generation).toBe(1);
  });

  it('next/previous move through the queue and restart the entry (generation bump)', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b, c] });
    s = run(s, { type: 'next' });
    expect(current(s)).toBe('Track 2');
    const g = s.generation;
    s = run(s, { type: 'previous' });
    expect(current(s)).toBe('Track 1');
    expect(s.generation).toBe(g + 1);
    // previous on the first entry restarts it
    s = run(s, { type: 'previous' });
    expect(current(s)).toBe('Track 1');
    expect(s.generation).toBe(g + 2);
  });

  it('stops at the end of the queue with repeat off', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b] }, { type: 'next' });
    expect(hasNext(s)).toBe(false);
    const g = s.generation;
    s = run(s, { type: 'next', auto: true });
    expect(s.ended).toBe(true);
    expect(current(s)).toBe('Track 2');
    expect(s.generation).toBe(g); // nothing reloads
    // jumping (e.g. play again) clears the ended flag
    s = run(s, { type: 'jump', index: 0 });
    expect(s.ended).toBe(false);
    expect(current(s)).toBe('Track 1');
  });

  it('wraps with repeat all, and repeats the track with repeat one only when it ends by itself', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b] }, { type: 'repeat', mode: 'all' }, { type: 'next' });
    expect(hasNext(s)).toBe(true);
    s = run(s, { type: 'next', auto: true });
    expect(current(s)).toBe('Track 1');
    s = run(s, { type: 'previous' });
    expect(current(s)).toBe('Track 2');
    s = run(s, { type: 'repeat', mode: 'one' });
    const g = s.generation;
    s = run(s, { type: 'next', auto: true });
    expect(current(s)).toBe('Track 2');
    expect(s.generation).toBe(g + 1);
    s = run(s, { type: 'next' }); // a press of "next" moves on
    expect(current(s)).toBe('Track 1');
  });

  it('previous restarts the track after 3 s, else goes back', () => {
    const s = run(emptyQueue, { type: 'load', tracks: [a, b], start: 1 });
    expect(previousAction(s, 10)).toBe('restart');
    expect(previousAction(s, 1)).toBe('previous');
    const first = run(s, { type: 'jump', index: 0 });
    expect(hasPrevious(first)).toBe(false);
    expect(previousAction(first, 1)).toBe('restart');
  });

  it('removes entries and keeps the current one (or the next) current', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b, c, d], start: 2 });
    s = run(s, { type: 'remove', index: 0 });
    expect(current(s)).toBe('Track 3');
    expect(s.index).toBe(1);
    s = run(s, { type: 'remove', index: 2 });
    expect(titles(s)).toEqual(['Track 2', 'Track 3']);
    expect(current(s)).toBe('Track 3');
    const g = s.generation;
    s = run(s, { type: 'remove', index: 1 }); // the current (last) one: the new last becomes current
    expect(current(s)).toBe('Track 2');
    expect(s.generation).toBe(g + 1);
    s = run(s, { type: 'remove', index: 0 });
    expect(s.index).toBe(-1);
    expect(current(s)).toBeNull();
  });

  it('moves entries and follows the current one', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b, c, d], start: 1 });
    s = run(s, { type: 'move', from: 1, to: 3 });
    expect(titles(s)).toEqual(['Track 1', 'Track 3', 'Track 4', 'Track 2']);
    expect(current(s)).toBe('Track 2');
    s = run(s, { type: 'move', from: 0, to: 3 });
    expect(titles(s)).toEqual(['Track 3', 'Track 4', 'Track 2', 'Track 1']);
    expect(current(s)).toBe('Track 2');
    s = run(s, { type: 'move', from: 3, to: 0 });
    expect(titles(s)).toEqual(['Track 1', 'Track 3', 'Track 4', 'Track 2']);
    expect(current(s)).toBe('Track 2');
  });

  it('enqueue and play-next add after the end / after the current entry', () => {
    let s = run(emptyQueue, { type: 'enqueue', tracks: [a] });
    expect(current(s)).toBe('Track 1'); // an empty queue starts playing what was added
    s = run(s, { type: 'enqueue', tracks: [b] }, { type: 'playNext', tracks: [c] });
    expect(titles(s)).toEqual(['Track 1', 'Track 3', 'Track 2']);
    expect(current(s)).toBe('Track 1');
    // the same track twice gets distinct keys
    s = run(s, { type: 'enqueue', tracks: [a] });
    expect(new Set(s.entries.map((e) => e.key)).size).toBe(4);
  });

  it('patches a track everywhere it is queued', () => {
    let s = run(emptyQueue, { type: 'load', tracks: [a, b, a] });
    s = run(s, { type: 'patchTrack', id: a.id, patch: { loved: true } });
    expect(s.entries.map((e) => e.track.loved)).toEqual([true, false, true]);
  });
});

describe('shuffle', () => {
  // A fixed sequence of "random" numbers, so the order is known.
  const seq = (...xs: number[]) => {
    let i = 0;
    return () => xs[i++ % xs.length]!;
  };
  const tracks = [a, b, c, d];

  it('shuffles what comes after the current track, and puts it back in order when turned off', () => {
    const loaded = run(emptyQueue, { type: 'load', tracks, start: 1 });
    const on = run(loaded, { type: 'shuffle', on: true, random: seq(0, 0) });
    expect(on.shuffle).toBe(true);
    expect(current(on)).toBe(b.title);
    expect(titles(on).slice(0, 2)).toEqual([a.title, b.title]); // played and current stay
    expect(titles(on).slice(2)).toEqual([d.title, c.title]);
    expect(on.generation).toBe(loaded.generation); // the playing track does not restart
    const moved = run(on, { type: 'next' });
    expect(current(moved)).toBe(d.title);
    const off = run(moved, { type: 'shuffle', on: false });
    expect(off.shuffle).toBe(false);
    expect(titles(off)).toEqual([a.title, b.title, c.title, d.title]);
    expect(current(off)).toBe(d.title); // still on the track playing
  });

  it('plays a chosen track first, or a random one, when loading with shuffle on', () => {
    const chosen = run(emptyQueue, { type: 'load', tracks, start: 2, shuffle: true, random: seq(0.99) });
    expect(current(chosen)).toBe(c.title);
    expect(chosen.index).toBe(0);
    expect([...titles(chosen)].sort()).toEqual([a, b, c, d].map((t) => t.title).sort());
    const random = run(emptyQueue, { type: 'load', tracks, shuffle: true, random: seq(0.6, 0, 0, 0) });
    expect(current(random)).toBe(c.title); // floor(0.6 * 4) = 2
    // Shuffle stays on for the next thing played; Play all then starts at a random track too.
    expect(run(random, { type: 'load', tracks: [a, b], random: seq(0.9, 0) }).shuffle).toBe(true);
  });

  it('keeps tracks added while shuffled when shuffle goes off', () => {
    const on = run(emptyQueue, { type: 'load', tracks: [a, b, c] }, { type: 'shuffle', on: true, random: seq(0) });
    const added = run(on, { type: 'enqueue', tracks: [d] }, { type: 'shuffle', on: false });
    expect(titles(added)).toEqual([a.title, b.title, c.title, d.title]);
    const next = run(on, { type: 'playNext', tracks: [d] }, { type: 'shuffle', on: false });
    expect(titles(next)).toEqual([a.title, d.title, b.title, c.title]);
  });
});
