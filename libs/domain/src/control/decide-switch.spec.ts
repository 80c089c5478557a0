import { decideSwitch, retryDelayMs, type SwitchDecision, type SwitchSituation } from './decide-switch';

const MINUTE = 60_000;
const base = { nowMs: 100_000, minimumOnOffMs: 30_000 };

describe('decideSwitch', () => {
  const cases: [string, SwitchSituation, SwitchDecision][] = [
    ['never switched: switches', { ...base, target: true }, { action: 'switch', value: true }],
    [
      'already at its target: nothing',
      { ...base, target: true, applied: { value: true, atMs: 99_000 } },
      { action: 'none' },
    ],
    [
      'switched long enough ago: switches',
      { ...base, target: false, applied: { value: true, atMs: 70_000 } },
      { action: 'switch', value: false },
    ],
    [
      'switched 2 s ago: held at the old value until the minimum on/off time has passed',
      { ...base, target: 42, applied: { value: 40, atMs: 98_000 } },
      { action: 'hold', value: 40, untilMs: 128_000 },
    ],
    [
      'a hold of a fraction of a millisecond ends on the next whole millisecond, never at now (already past)',
      { ...base, nowMs: 100_000.4, target: false, applied: { value: true, atMs: 70_000.5 } },
      { action: 'hold', value: true, untilMs: 100_001.4 },
    ],
    [
      'exactly at the end of the hold: switches',
      { ...base, target: false, applied: { value: true, atMs: 70_000 } },
      { action: 'switch', value: false },
    ],
    [
      'switched before a restart (long ago): never held',
      { ...base, target: false, applied: { value: true, atMs: Number.NEGATIVE_INFINITY } },
      { action: 'switch', value: false },
    ],
    [
      'no minimum on/off time: switches at once',
      { ...base, minimumOnOffMs: 0, target: false, applied: { value: true, atMs: 100_000 } },
      { action: 'switch', value: false },
    ],
    [
      'the same value failed and its retry is not due: waits for it',
      { ...base, target: true, failed: { value: true, retryAtMs: 104_000 } },
      { action: 'wait', untilMs: 104_000, why: 'retry' },
    ],
    [
      'the same value failed and its retry is due: switches',
      { ...base, target: true, failed: { value: true, retryAtMs: 100_000 } },
      { action: 'switch', value: true },
    ],
    [
      'another value failed: the new target is tried at once',
      { ...base, target: false, failed: { value: true, retryAtMs: 130_000 } },
      { action: 'switch', value: false },
    ],
    [
      'restored at boot, equipment not read yet: waits for a reading',
      { ...base, target: true, restored: { reading: undefined, waitedMs: 2_000, waitMs: 10_000 } },
      { action: 'wait', untilMs: 108_000, why: 'restored' },
    ],
    [
      'restored at boot, the equipment shows the target: adopted, no write',
      { ...base, target: true, restored: { reading: true, waitedMs: 2_000, waitMs: 10_000 } },
      { action: 'adopt', value: true },
    ],
    [
      'restored at boot, changed on site while the gateway was down: written again',
      { ...base, target: true, restored: { reading: false, waitedMs: 2_000, waitMs: 10_000 } },
      { action: 'switch', value: true },
    ],
    [
      'restored at boot, the equipment silent for too long: written anyway',
      { ...base, target: true, restored: { reading: undefined, waitedMs: 10_000, waitMs: 10_000 } },
      { action: 'switch', value: true },
    ],
  ];

  it.each(cases)('%s', (_name, situation, decision) => {
    expect(decideSwitch(situation)).toEqual(decision);
  });

  it('never holds until an instant that is not later than now', () => {
    for (const atMs of [70_000.001, 70_000.5, 70_000.999, 99_999.999]) {
      const decision = decideSwitch({ ...base, target: false, applied: { value: true, atMs } });
      if (decision.action === 'hold') expect(decision.untilMs).toBeGreaterThan(base.nowMs);
      else expect(decision).toEqual({ action: 'switch', value: false });
    }
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(retryDelayMs(6)).toBeLessThanOrEqual(MINUTE / 2);
  });
});
