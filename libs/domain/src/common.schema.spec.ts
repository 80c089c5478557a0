import { parseDuration } from './common.schema';
import { departmentOf } from './tenant.schema';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['1.5s', 1500],
    ['5min', 300_000],
    ['2h', 7_200_000],
    [' 3 s ', 3000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1 day', '-1s', 's'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('departmentOf', () => {
  it.each([
    ['02691', '02'],
    ['2A004', '2A'],
    ['97411', '974'],
    ['97611', '976'],
  ])('%s is in department %s', (insee, department) => {
    expect(departmentOf(insee)).toBe(department);
  });
});
