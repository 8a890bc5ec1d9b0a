import type { MouseEvent } from 'react';

/**
 * A click on a track row plays it; a click on something inside the row that does its own
 * thing (a link, a button, a field) does only that. Clicking the track already current does
 * nothing, so a double click does not start it twice.
 */
export function rowClick(play: () => void, isCurrent: boolean) {
  return (e: MouseEvent<HTMLElement>) => {
    if ((e.target as HTMLElement).closest('a, button, input, select, textarea, label')) return;
    if (window.getSelection()?.toString()) return; // selecting text to copy
    if (!isCurrent) play();
  };
}
