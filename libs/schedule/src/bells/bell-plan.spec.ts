import { DocumentException } from '@beffroi/domain/validation/document.exception';
import { parseLocalDate } from '../time/local-date';
import { formatIsoWithOffset, localDaySpan } from '../time/zoned-time';
import { planRings, ringActions, sequenceDurationMs } from './bell-plan';
import { parseBellSchedule } from './bell-schedule';
import { ANGELUS_STEPS, belfry } from './bell-schedule.fixtures';

const PARIS = 'Europe/Paris';

function day(date: string, timeZone = PARIS) {
  const span = localDaySpan(parseLocalDate(date), timeZone);
  return [span.start, span.end] as const;
}

function ringTimes(rings: readonly { at: Date }[], timeZone = PARIS): string[] {
  return rings.map((ring) => formatIsoWithOffset(ring.at, timeZone));
}

describe('planRings', () => {
  const angelus = belfry([
    { at: '07:00', sequence: 'angelus' },
    { at: '12:00', sequence: 'angelus' },
    { at: '19:00', sequence: 'angelus' },
  ]);

  it('rings the angélus at 07:00, 12:00 and 19:00 local time, every day', () => {
    const [from] = day('2027-01-04');
    const [, to] = day('2027-01-10');
    const { rings } = planRings(angelus, PARIS, from, to);
    expect(rings).toHaveLength(21);
    expect(ringTimes(rings.slice(0, 3))).toEqual([
      '2027-01-04T07:00:00+01:00',
      '2027-01-04T12:00:00+01:00',
      '2027-01-04T19:00:00+01:00',
    ]);
    expect(rings[0]?.key).toBe('2027-01-04T06:00:00.000Z/angelus');
  });

  it('keeps only the rings starting in [from, to)', () => {
    const [from] = day('2027-01-04');
    const noon = new Date('2027-01-04T11:00:00Z');
    expect(ringTimes(planRings(angelus, PARIS, from, noon).rings)).toEqual(['2027-01-04T07:00:00+01:00']);
    expect(ringTimes(planRings(angelus, PARIS, noon, new Date('2027-01-04T11:00:01Z')).rings)).toEqual([
      '2027-01-04T12:00:00+01:00',
    ]);
  });

  it('strikes the hour on a 12-hour dial', () => {
    const schedule = belfry([{ every: 60, from: '00:00', to: '23:00', sequence: 'heures' }]);
    const { rings } = planRings(schedule, PARIS, ...day('2027-01-04'));
    expect(rings.map((ring) => ring.dialHour)).toEqual([
      12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    const [thirteen] = rings.filter((ring) => formatIsoWithOffset(ring.at, PARIS).includes('T13:00'));
    expect(
      thirteen === undefined ? [] : ringActions(schedule.sequences.heures ?? { steps: [] }, thirteen),
    ).toHaveLength(1);
  });

  it.each([
    ['2026-03-29', 92],
    ['2026-10-25', 100],
    ['2027-03-28', 92],
    ['2027-10-31', 100],
    ['2027-01-10', 96],
  ])('counts quarter-hours in elapsed time on %s: %i', (date, count) => {
    const schedule = belfry([{ every: 15, from: '00:00', to: '23:45', sequence: 'quart' }]);
    const { rings } = planRings(schedule, PARIS, ...day(date));
    expect(rings).toHaveLength(count);
    expect(new Set(rings.map((ring) => ring.key)).size).toBe(count);
  });

  it.each([
    ['2027-03-28', '02:30', ['2027-03-28T03:00:00+02:00'], 'gap'],
    ['2026-10-25', '02:30', ['2026-10-25T02:30:00+02:00'], 'overlap'],
    ['2026-03-29', '02:00', ['2026-03-29T03:00:00+02:00'], 'gap'],
    ['2027-10-31', '02:00', ['2027-10-31T02:00:00+02:00'], 'overlap'],
  ])('rings a fixed time of a DST change day once (%s %s)', (date, time, expected, adjustment) => {
    const { rings } = planRings(belfry([{ at: time, sequence: 'angelus' }]), PARIS, ...day(date));
    expect(ringTimes(rings)).toEqual(expected);
    expect(rings[0]?.adjustment).toBe(adjustment);
  });

  it('adds one-off events and rings a ring once when an event repeats it', () => {
    const schedule = belfry([{ at: '12:00', sequence: 'angelus' }], {
      events: [
        { date: '2027-06-12', at: '15:30', sequence: 'volee', name: 'Mariage Martin–Dubois' },
        { date: '2027-06-12', at: '12:00', sequence: 'angelus' },
      ],
    });
    const { rings } = planRings(schedule, PARIS, ...day('2027-06-12'));
    expect(ringTimes(rings)).toEqual(['2027-06-12T12:00:00+02:00', '2027-06-12T15:30:00+02:00']);
    expect(rings[1]?.source).toEqual({ kind: 'event', eventIndex: 0, name: 'Mariage Martin–Dubois' });
    expect(planRings(schedule, PARIS, ...day('2027-06-13')).rings).toHaveLength(1);
  });

  it('decides days in the site zone: Réunion’s 23:30 and 00:30 belong to different days', () => {
    const schedule = parseBellSchedule(
      {
        sequences: { glas: { steps: [{ strike: 1, count: 1 }] } },
        calendar: {
          defaultProgrammeId: 'silence',
          rules: [{ kind: 'publicHoliday', zone: 'la-reunion', programmeId: 'fete' }],
        },
        programmes: {
          silence: { rings: [] },
          fete: {
            rings: [
              { at: '00:30', sequence: 'glas' },
              { at: '23:30', sequence: 'glas' },
            ],
          },
        },
      },
      'bells.yaml',
    );
    // 20 December is Réunion's abolition-of-slavery day.
    const zone = 'Indian/Reunion';
    const { rings } = planRings(schedule, zone, ...day('2026-12-19', zone));
    expect(rings).toHaveLength(0);
    expect(ringTimes(planRings(schedule, zone, ...day('2026-12-20', zone)).rings, zone)).toEqual([
      '2026-12-20T00:30:00+04:00',
      '2026-12-20T23:30:00+04:00',
    ]);
  });

  it('reports a day whose programme it cannot decide and rings nothing that day', () => {
    const schedule = belfry([{ at: '12:00', sequence: 'angelus' }], {
      calendar: {
        defaultProgrammeId: 'ordinaire',
        rules: [{ kind: 'schoolHoliday', zone: 'B', programmeId: 'ordinaire' }],
      },
    });
    const plan = planRings(schedule, PARIS, ...day('2027-01-04'));
    expect(plan.rings).toHaveLength(0);
    expect(plan.skipped[0]?.message).toMatch(/2027-01-04: programme unknown .*school-holiday data/);
  });
});

describe('ringActions', () => {
  const at = new Date('2027-01-04T06:00:00Z');

  it('expands the angélus into 9 blows then a two-minute swing', () => {
    const schedule = belfry([]);
    const sequence = schedule.sequences.angelus ?? { steps: [] };
    const actions = ringActions(sequence, { at, dialHour: 7 });
    const offsets = actions.map((action) => [(action.at.getTime() - at.getTime()) / 1000, action.bell, action.action]);
    expect(offsets).toEqual([
      [0, 1, 'strike'],
      [4, 1, 'strike'],
      [8, 1, 'strike'],
      [20, 1, 'strike'],
      [24, 1, 'strike'],
      [28, 1, 'strike'],
      [40, 1, 'strike'],
      [44, 1, 'strike'],
      [48, 1, 'strike'],
      [60, 1, 'swingStart'],
      [180, 1, 'swingStop'],
    ]);
    expect(sequenceDurationMs(sequence, 7)).toBe(180_000);
  });

  it('swings several bells together and strikes the hour', () => {
    const schedule = belfry([]);
    expect(ringActions(schedule.sequences.volee ?? { steps: [] }, { at, dialHour: 1 }).map((a) => a.action)).toEqual([
      'swingStart',
      'swingStart',
      'swingStop',
      'swingStop',
    ]);
    expect(ringActions(schedule.sequences.heures ?? { steps: [] }, { at, dialHour: 11 })).toHaveLength(11);
    expect(sequenceDurationMs(schedule.sequences.heures ?? { steps: [] }, 11)).toBe(33_000);
  });
});

describe('parseBellSchedule', () => {
  function problems(document: Record<string, unknown>): string[] {
    try {
      parseBellSchedule(document, 'bells.yaml');
    } catch (error) {
      return (error as DocumentException).problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    return [];
  }

  const base = {
    sequences: { angelus: { steps: ANGELUS_STEPS } },
    calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
    programmes: { ordinaire: { rings: [{ at: '07:00', sequence: 'angelus' }] } },
  };

  it('accepts the angélus', () => {
    expect(problems(base)).toEqual([]);
  });

  it.each([
    [
      { sequences: { a: { steps: [{ strike: 1, swing: [1], count: 1 }] } } },
      'sequences.a.steps[0]: a step needs exactly one of "strike", "swing" or "pause"',
    ],
    [
      { sequences: { a: { steps: [{ strike: 1 }] } } },
      'sequences.a.steps[0].count: a strike step needs "count" (1..24 or "hour")',
    ],
    [
      { sequences: { a: { steps: [{ swing: [1], duration: '2min', count: 3 }] } } },
      'sequences.a.steps[0].count: "count" does not apply to a swing step',
    ],
    [
      { sequences: { a: { steps: [{ strike: 40, count: 1 }] } } },
      'sequences.a.steps[0].strike: expected integer 1..32',
    ],
    [
      { programmes: { ordinaire: { rings: [{ at: '07:00', sequence: 'vepres' }] } } },
      'programmes.ordinaire.rings[0].sequence: no sequence "vepres" in "sequences"',
    ],
    [
      { programmes: { ordinaire: { rings: [{ every: 60, from: '22:00', to: '07:00', sequence: 'angelus' }] } } },
      'programmes.ordinaire.rings[0].to: "to" (07:00) must be after "from" (22:00) the same day',
    ],
    [{ events: [{ date: '2027-02-30', at: '15:00', sequence: 'angelus' }] }, 'events[0].date'],
  ])('names what is wrong: %j', (change, expected) => {
    expect(problems({ ...base, ...change }).join('\n')).toContain(expected);
  });
});
