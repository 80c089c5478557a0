import { rowAfterKey, rowOffsets, rowsInView, scrollToReveal } from './row-window';

/** A thousand rows of 60 px, as the Parc's communes with one gateway each. */
const THOUSAND = rowOffsets(Array.from({ length: 1000 }, () => 60));

describe('rowOffsets', () => {
  it('gives where each row starts and the total height last', () => {
    expect(rowOffsets([60, 100, 60])).toEqual([0, 60, 160, 220]);
    expect(rowOffsets([])).toEqual([0]);
  });
});

describe('rowsInView', () => {
  it('renders the rows crossing the viewport and the overscan either side, not the whole list', () => {
    // 600 px scrolled: rows 10 to 19 are in a 600 px viewport, two more each side.
    expect(rowsInView(THOUSAND, { scrollTop: 600, viewportHeight: 600, overscan: 2 })).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    ]);
  });

  it('counts a row cut by an edge of the viewport as seen', () => {
    expect(rowsInView(THOUSAND, { scrollTop: 630, viewportHeight: 60, overscan: 0 })).toEqual([10, 11]);
  });

  it('reaches the last row at the bottom of the list and stops there', () => {
    expect(rowsInView(THOUSAND, { scrollTop: 60_000 - 120, viewportHeight: 120, overscan: 3 })).toEqual([
      995, 996, 997, 998, 999,
    ]);
  });

  it('clamps a scroll position beyond either end (an elastic scroll, a list that just shrank)', () => {
    expect(rowsInView(THOUSAND, { scrollTop: -40, viewportHeight: 60, overscan: 0 })).toEqual([0]);
    expect(rowsInView(rowOffsets([60, 60]), { scrollTop: 5000, viewportHeight: 600, overscan: 1 })).toEqual([0, 1]);
  });

  it('renders only the overscan before the list is laid out', () => {
    expect(rowsInView(THOUSAND, { scrollTop: 0, viewportHeight: 0, overscan: 3 })).toEqual([0, 1, 2, 3]);
  });

  it('finds the rows of a list whose rows differ in height', () => {
    // Rows start at 0, 60, 160, 220, 280: a commune with two gateways is taller.
    const offsets = rowOffsets([60, 100, 60, 60, 60]);
    expect(rowsInView(offsets, { scrollTop: 100, viewportHeight: 100, overscan: 0 })).toEqual([1, 2]);
    expect(rowsInView(offsets, { scrollTop: 160, viewportHeight: 60, overscan: 0 })).toEqual([2]);
  });

  it('keeps the focused row rendered, in order, when it is scrolled far away', () => {
    expect(rowsInView(THOUSAND, { scrollTop: 600, viewportHeight: 120, overscan: 0, keep: 3 })).toEqual([3, 10, 11]);
    expect(rowsInView(THOUSAND, { scrollTop: 600, viewportHeight: 120, overscan: 0, keep: 999 })).toEqual([
      10, 11, 999,
    ]);
    expect(rowsInView(THOUSAND, { scrollTop: 600, viewportHeight: 120, overscan: 0, keep: 11 })).toEqual([10, 11]);
  });

  it('ignores a kept row that no longer exists (the list was filtered)', () => {
    expect(rowsInView(rowOffsets([60, 60]), { scrollTop: 0, viewportHeight: 120, overscan: 0, keep: 7 })).toEqual([
      0, 1,
    ]);
  });

  it('renders nothing for an empty list', () => {
    expect(rowsInView(rowOffsets([]), { scrollTop: 0, viewportHeight: 600, overscan: 2 })).toEqual([]);
  });
});

describe('scrollToReveal', () => {
  it('leaves the scroll alone when the row is already fully seen', () => {
    expect(scrollToReveal(THOUSAND, 10, 600, 600)).toBe(600);
  });

  it('scrolls up to the top of a row above the viewport', () => {
    expect(scrollToReveal(THOUSAND, 3, 600, 600)).toBe(180);
  });

  it('scrolls down just enough to show the bottom of a row below the viewport', () => {
    // Row 999 ends at 60,000 px: a 600 px viewport shows it at its bottom.
    expect(scrollToReveal(THOUSAND, 999, 0, 600)).toBe(59_400);
  });

  it('shows the top of a row taller than the viewport', () => {
    expect(scrollToReveal(rowOffsets([60, 900, 60]), 1, 0, 600)).toBe(60);
  });

  it('leaves the scroll alone for a row that does not exist', () => {
    expect(scrollToReveal(THOUSAND, 1000, 600, 600)).toBe(600);
  });
});

describe('rowAfterKey', () => {
  it('moves by one row with the arrows, stopping at either end', () => {
    expect(rowAfterKey('ArrowDown', 4, 1000, 10)).toBe(5);
    expect(rowAfterKey('ArrowUp', 4, 1000, 10)).toBe(3);
    expect(rowAfterKey('ArrowUp', 0, 1000, 10)).toBe(0);
    expect(rowAfterKey('ArrowDown', 999, 1000, 10)).toBe(999);
  });

  it('moves by a viewport with Page Up and Page Down', () => {
    expect(rowAfterKey('PageDown', 4, 1000, 10)).toBe(14);
    expect(rowAfterKey('PageUp', 4, 1000, 10)).toBe(0);
    expect(rowAfterKey('PageDown', 995, 1000, 10)).toBe(999);
    expect(rowAfterKey('PageDown', 4, 1000, 0)).toBe(5);
  });

  it('goes to the first and the last row with Home and End', () => {
    expect(rowAfterKey('Home', 500, 1000, 10)).toBe(0);
    expect(rowAfterKey('End', 0, 1000, 10)).toBe(999);
  });

  it('leaves any other key, and an empty list, to the page', () => {
    expect(rowAfterKey('Enter', 4, 1000, 10)).toBeUndefined();
    expect(rowAfterKey('a', 4, 1000, 10)).toBeUndefined();
    expect(rowAfterKey('ArrowDown', 0, 0, 10)).toBeUndefined();
  });
});
