import { type BellMotion, bellInterlock } from './bell-interlock';

const LIMITS = { maxSwinging: 2 };
const still: BellMotion = { swingingSince: null, settlesAt: 0 };

describe('bellInterlock', () => {
  it('refuses the hammer of a swinging bell, whatever asks', () => {
    const motions = new Map([[1, { swingingSince: 1000, settlesAt: 0 }]]);
    expect(bellInterlock(motions, 1, 'strike', LIMITS, 2000)).toBe('bell 1 swings: its hammer is locked');
    expect(bellInterlock(motions, 2, 'strike', LIMITS, 2000)).toBeNull();
  });

  it('keeps the hammer locked while the bell settles after its swing', () => {
    const motions = new Map([[1, { swingingSince: null, settlesAt: 12_000 }]]);
    expect(bellInterlock(motions, 1, 'strike', LIMITS, 9_500)).toBe(
      'bell 1 is still settling after its swing (3 s): its hammer is locked',
    );
    expect(bellInterlock(motions, 1, 'strike', LIMITS, 12_000)).toBeNull();
  });

  it('lets at most maxSwinging bells swing at once, and always lets a bell stop', () => {
    const motions = new Map([
      [1, { swingingSince: 0, settlesAt: 0 }],
      [2, { swingingSince: 0, settlesAt: 0 }],
      [3, still],
    ]);
    expect(bellInterlock(motions, 3, 'swingStart', LIMITS, 10)).toBe('2 bells already swing (at most 2 at once)');
    expect(bellInterlock(motions, 1, 'swingStart', LIMITS, 10)).toBeNull();
    expect(bellInterlock(motions, 1, 'swingStop', LIMITS, 10)).toBeNull();
    expect(bellInterlock(motions, 3, 'swingStart', { maxSwinging: 3 }, 10)).toBeNull();
  });
});
