import { options } from 'preact';

/**
 * Preact (the runtime behind the React API here, see vite.config.ts) renders pending updates
 * in a microtask, so every update made in one task renders in that task: on load, the
 * session's answer, the page's chunk and the first queries' answers would render the shell
 * and the page in one long task (200 ms on Lighthouse's 4x slower phone CPU). React's own
 * scheduler renders updates in a task of their own (a MessageChannel message); this does the
 * same, so the browser can paint and handle input between those renders.
 */
export function renderInTasks(): void {
  if (typeof MessageChannel === 'undefined') return;
  const channel = new MessageChannel();
  let pending: (() => void) | null = null;
  channel.port1.onmessage = () => {
    const run = pending;
    pending = null;
    run?.();
  };
  options.debounceRendering = (flush: () => void) => {
    if (pending === null) channel.port2.postMessage(null);
    pending = flush;
  };
}
