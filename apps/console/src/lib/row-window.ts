/**
 * A long list rendered only where it is seen: the rows crossing the scrolled viewport, a few either side, and the row
 * that has the keyboard focus. Each row's height is known from its data (a list of a thousand communes costs the
 * mounting of a screenful, not of a thousand rows); the rows not rendered keep their place in the scroll height.
 */

/** Where each row starts, in pixels from the top of the list: `offsets[i]` for row i, `offsets[count]` is the total. */
export function rowOffsets(heights: readonly number[]): number[] {
  const offsets = [0];
  let top = 0;
  for (const height of heights) {
    top += height;
    offsets.push(top);
  }
  return offsets;
}

/** The row under the pixel `y` of the list (clamped to the rows that exist), by bisection of the offsets. */
function rowAt(offsets: readonly number[], y: number): number {
  let low = 0;
  let high = offsets.length - 2;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((offsets[middle] ?? 0) <= y) low = middle;
    else high = middle - 1;
  }
  return low;
}

export interface RowWindowQuery {
  /** How far the list is scrolled, in pixels. */
  readonly scrollTop: number;
  /** The visible height of the list, in pixels (0 before it is laid out: then only the overscan is rendered). */
  readonly viewportHeight: number;
  /** Rows rendered beyond each edge of the viewport, so that a scroll by the wheel or a key shows no blank. */
  readonly overscan: number;
  /** A row to render wherever it is (the one holding the focus, which must not leave the page when scrolled away). */
  readonly keep?: number;
}

/** The indexes of the rows to render, in order: those crossing the viewport, the overscan, and the row kept. */
export function rowsInView(offsets: readonly number[], query: RowWindowQuery): number[] {
  const count = offsets.length - 1;
  if (count <= 0) return [];
  const first = Math.max(0, rowAt(offsets, query.scrollTop) - query.overscan);
  const bottom = query.scrollTop + Math.max(0, query.viewportHeight);
  const last = Math.min(count - 1, rowAt(offsets, Math.max(query.scrollTop, bottom - 1)) + query.overscan);
  const rows: number[] = [];
  const keep = query.keep;
  const kept = keep !== undefined && keep >= 0 && keep < count;
  if (kept && keep < first) rows.push(keep);
  for (let row = first; row <= last; row++) rows.push(row);
  if (kept && keep > last) rows.push(keep);
  return rows;
}

/** The scroll position that shows the whole of row `index`, moving as little as possible from `scrollTop`. */
export function scrollToReveal(
  offsets: readonly number[],
  index: number,
  scrollTop: number,
  viewportHeight: number,
): number {
  const top = offsets[index];
  const bottom = offsets[index + 1];
  if (top === undefined || bottom === undefined) return scrollTop;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.min(top, bottom - viewportHeight);
  return scrollTop;
}

/**
 * The row a key moves the focus to in a list of `count` rows, as in a grid: the arrows by one row, Page Up/Down by
 * `pageRows` rows, Home/End (or Ctrl+Home/End) to the first/last. Undefined for any other key, or in an empty list.
 */
export function rowAfterKey(key: string, index: number, count: number, pageRows: number): number | undefined {
  if (count <= 0) return undefined;
  const clamp = (row: number) => Math.min(count - 1, Math.max(0, row));
  const page = Math.max(1, pageRows);
  switch (key) {
    case 'ArrowDown':
      return clamp(index + 1);
    case 'ArrowUp':
      return clamp(index - 1);
    case 'PageDown':
      return clamp(index + page);
    case 'PageUp':
      return clamp(index - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
