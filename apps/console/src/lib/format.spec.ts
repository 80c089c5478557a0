import { formatMeasure, formatValue } from './format';
import type * as Format from './format';

describe('numbers the French way', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes measures and values with a decimal comma and one decimal at most', () => {
    expect(formatMeasure({ value: 19.46, unit: '°C' })).toBe('19,5 °C');
    expect(formatMeasure({ value: 60, unit: undefined })).toBe('60');
    expect(formatValue(0.25)).toBe('0,3');
  });

  it('makes one number formatter for all the values of a page, not one per value (it made most of its render)', () => {
    const made = jest.spyOn(Intl, 'NumberFormat');
    const texts = Array.from({ length: 50 }, (_, i) => formatMeasure({ value: i / 10, unit: 'A' }) + formatValue(i));
    expect(texts[13]).toBe('1,3 A13');
    expect(made.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('makes ahead of the render the formatters the render then uses (the first ones cost the most)', () => {
    // A fresh module: its formatters are made on first use, and the other tests have used this one's.
    let fresh: typeof Format | undefined;
    jest.isolateModules(() => {
      fresh = jest.requireActual<typeof Format>('./format');
    });
    if (fresh === undefined) throw new Error('format.ts was not loaded');
    const numbers = jest.spyOn(Intl, 'NumberFormat');
    const dates = jest.spyOn(Intl, 'DateTimeFormat');
    fresh.warmUpFormats();
    expect([numbers.mock.calls.length, dates.mock.calls.length]).toEqual([1, 1]);
    expect(fresh.formatMeasure({ value: 19.46, unit: '°C' })).toBe('19,5 °C');
    expect(fresh.formatDateTime('2026-12-03T22:00:00Z', fresh.DEFAULT_TIME_ZONE)).toBe('jeu. 3 déc., 23:00');
    expect([numbers.mock.calls.length, dates.mock.calls.length]).toEqual([1, 1]);
  });
});
