import { formatMeasure, formatValue } from './format';

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
});
