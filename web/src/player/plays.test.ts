import { describe, expect, it, vi } from 'vitest';
import { createPlayReporter, type SendPlay } from './plays';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('play reporter', () => {
  it('reports start, progress every 15 s and at 30 s, then complete, all with the play id', async () => {
    const send = vi.fn<SendPlay>(async () => ({ id: 'play-1' }));
    const r = createPlayReporter(send);
    r.time(5); // nothing before start
    r.started(0);
    for (let t = 0; t <= 40; t += 0.25) r.time(t);
    r.ended(40);
    r.ended(40);
    await flush();
    await flush();
    const calls = send.mock.calls.map(([event, pos, id]) => [event, Math.round(pos), id]);
    expect(calls).toEqual([
      ['start', 0, null],
      ['progress', 15, 'play-1'],
      ['progress', 30, 'play-1'],
      ['complete', 40, 'play-1'],
    ]);
  });

  it('reports the 30 s mark after a seek past it', async () => {
    const send = vi.fn<SendPlay>(async () => ({ id: 'p' }));
    const r = createPlayReporter(send);
    r.started(0);
    r.time(3);
    r.time(28); // seek forward
    r.time(31);
    await flush();
    await flush();
    expect(send.mock.calls.map(([e, p]) => [e, p])).toEqual([
      ['start', 0],
      ['progress', 28],
      ['progress', 31],
    ]);
  });

  it('sends nothing more when the start failed (no play id to attach to)', async () => {
    const send = vi.fn<SendPlay>(async (event) => {
      if (event === 'start') throw new Error('offline');
      return { id: 'x' };
    });
    const r = createPlayReporter(send);
    r.started(0);
    r.time(20);
    r.ended(30);
    await flush();
    await flush();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('reports where a short listen stopped (an 8 s play then a skip is 8 s, not 0 s)', async () => {
    const send = vi.fn<SendPlay>(async () => ({ id: 'p' }));
    const r = createPlayReporter(send);
    r.started(0);
    for (let t = 0; t <= 8; t += 0.25) r.time(t);
    r.stopped(); // skipped to the next track
    r.stopped(); // nothing new since: no second report
    await flush();
    await flush();
    expect(send.mock.calls.map(([e, p, id]) => [e, p, id])).toEqual([
      ['start', 0, null],
      ['progress', 8, 'p'],
    ]);
  });

  it('reports nothing on stop before start or after completion', async () => {
    const send = vi.fn<SendPlay>(async () => ({ id: 'p' }));
    const r = createPlayReporter(send);
    r.stopped();
    r.started(0);
    r.time(20);
    r.ended(20);
    r.stopped();
    await flush();
    await flush();
    expect(send.mock.calls.map(([e]) => e)).toEqual(['start', 'progress', 'complete']);
  });
});
