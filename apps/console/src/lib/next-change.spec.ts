import type { GatewaySchedule, SchedulePreview } from '@beffroi/api';
import { drivingSchedules, nextChangeAfter } from './next-change';

const schedule = (id: string, more: Partial<GatewaySchedule>): GatewaySchedule => ({
  id,
  kind: 'lighting',
  targets: { outputs: ['cab:circuit.4.command'] },
  document: {},
  source: 'config',
  replacedBy: null,
  ...more,
});

const preview = (...at: string[]): SchedulePreview => ({
  kind: 'lighting',
  timeZone: 'Europe/Paris',
  from: at[0] ?? '',
  to: at[0] ?? '',
  transitions: at.map((instant) => ({
    at: instant,
    local: instant,
    value: true,
    night: '2026-12-03',
    cause: { programmeId: 'p', pointIndex: 0, point: null, rule: null },
  })),
  skipped: [],
});

describe("the output's next programme change", () => {
  it("takes the config's schedules and the console's applied ones that drive the output, not the others", () => {
    const schedules = [
      schedule('eclairage', {}),
      schedule('replaced', { replacedBy: 'central' }),
      schedule('replaced', { source: 'central', state: 'applied' }),
      schedule('waiting', { replacedBy: 'central' }),
      schedule('waiting', { source: 'central', state: 'pending' }),
      schedule('elsewhere', { targets: { outputs: ['cab:circuit.1.command'] } }),
      schedule('heating', { kind: 'heating' }),
    ];
    expect(drivingSchedules(schedules, 'cab:circuit.4.command').map((s) => [s.id, s.source])).toEqual([
      ['eclairage', 'config'],
      ['replaced', 'central'],
      ['waiting', 'config'],
    ]);
  });

  it('is the first transition after now among the previews', () => {
    const now = new Date('2026-12-03T16:00:00.000Z');
    expect(
      nextChangeAfter(
        [preview('2026-12-03T15:00:00.000Z', '2026-12-04T07:00:00.000Z'), preview('2026-12-03T22:00:00.000Z')],
        now,
      ),
    ).toBe('2026-12-03T22:00:00.000Z');
    expect(nextChangeAfter([preview('2026-12-03T15:00:00.000Z')], now)).toBeUndefined();
    expect(nextChangeAfter([], now)).toBeUndefined();
  });
});
