import { profileSchema } from '../profile.schema';
import { DocumentException } from '../validation/document.exception';
import { validateDocument } from '../validation/parse-document';
import { type AlarmWhen, conditionHolds, evaluateAlarm } from './alarm-condition';

const at = (seconds: number) => new Date(Date.UTC(2027, 0, 4, 18, 0, seconds));

describe('conditionHolds', () => {
  it.each<[AlarmWhen, boolean | number | string, boolean]>([
    [true, true, true],
    [true, false, false],
    [{ not: 'auto' }, 'forced', true],
    [{ not: 'auto' }, 'auto', false],
    [{ above: 30 }, 30.5, true],
    [{ above: 30 }, 30, false],
    [{ below: 5 }, 4, true],
    [{ below: 5 }, 'off', false],
    [2, 2, true],
  ])('%j on %j: %s', (when, value, holds) => {
    expect(conditionHolds(when, value)).toBe(holds);
  });
});

describe('evaluateAlarm', () => {
  const door = { when: true, delay: 10_000 };

  it('raises at once without a delay', () => {
    expect(evaluateAlarm({ when: true, delay: 0 }, true, undefined, at(0))).toEqual({
      holding: true,
      since: at(0),
      active: true,
      activeAt: undefined,
    });
  });

  it('raises once the condition has held for its delay, saying when until then', () => {
    const first = evaluateAlarm(door, true, undefined, at(0));
    expect(first).toEqual({ holding: true, since: at(0), active: false, activeAt: at(10) });
    expect(evaluateAlarm(door, true, first.since, at(9))).toMatchObject({ active: false, activeAt: at(10) });
    expect(evaluateAlarm(door, true, first.since, at(10))).toEqual({
      holding: true,
      since: at(0),
      active: true,
      activeAt: undefined,
    });
  });

  it('starts the delay again after a break', () => {
    expect(evaluateAlarm(door, false, at(0), at(8))).toEqual({
      holding: false,
      since: undefined,
      active: false,
      activeAt: undefined,
    });
    expect(evaluateAlarm(door, true, undefined, at(9))).toMatchObject({ active: false, activeAt: at(19) });
  });
});

const points = [
  { id: 'door.open', kind: 'alarm', type: 'bool', address: { table: 'discrete-input', address: 100 } },
  {
    id: 'selector',
    kind: 'measure',
    type: 'uint16',
    states: { '0': 'auto', '1': 'forced', '2': 'off' },
    address: { table: 'input-register', address: 0 },
  },
  { id: 'meter.power', kind: 'measure', type: 'float32', address: { table: 'input-register', address: 28 } },
];

function problemsOf(alarms: unknown[]): string[] {
  try {
    validateDocument(profileSchema, { id: 'cabinet', name: 'Cabinet', protocol: 'modbus', points, alarms }, 'p.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const alarm = { point: 'door.open', when: true, severity: 'warning', message: "Porte de l'armoire ouverte" };

describe('profile alarms', () => {
  it('accepts alarms on points, with their delay in milliseconds and feedbackDelay defaulting to 1 s', () => {
    const profile = validateDocument(
      profileSchema,
      {
        id: 'cabinet',
        name: 'Cabinet',
        protocol: 'modbus',
        points,
        alarms: [
          { ...alarm, delay: '30s' },
          { point: 'selector', when: { not: 'auto' }, severity: 'info', message: 'Sélecteur hors Auto' },
          { point: 'meter.power', when: { above: 40 }, severity: 'critical', message: 'Surcharge' },
        ],
      },
      'p.yaml',
    );
    expect(profile.feedbackDelay).toBe(1000);
    expect(profile.alarms.map((a) => [a.point, a.delay])).toEqual([
      ['door.open', 30_000],
      ['selector', 0],
      ['meter.power', 0],
    ]);
  });

  it.each<[string, unknown[], string[]]>([
    ['an unknown point', [{ ...alarm, point: 'door.closed' }], ['alarms[0].point: unknown point "door.closed"']],
    [
      'two alarms on one point',
      [alarm, alarm],
      ['alarms[1].point: "door.open" already has an alarm (alarms[0]): one alarm per point'],
    ],
    [
      'a number for a bool point',
      [{ ...alarm, when: 1 }],
      ['alarms[0].when: door.open is a bool point, expected true or false, got 1'],
    ],
    [
      'a state the point does not have',
      [{ ...alarm, point: 'selector', when: { not: 'manual' } }],
      ['alarms[0].when: "manual" is not a state of selector (auto | forced | off)'],
    ],
    [
      'a comparison on named states',
      [{ ...alarm, point: 'selector', when: { above: 1 } }],
      ['alarms[0].when: above compares numbers; selector has named states'],
    ],
    [
      'a malformed condition',
      [{ ...alarm, when: { equals: true } }],
      [
        'alarms[0].when: expected a value (true, 3, "off"), { not: <value> }, { above: <number> } or { below: <number> }, got a mapping',
      ],
    ],
    [
      'an unknown severity',
      [{ ...alarm, severity: 'major' }],
      ['alarms[0].severity: expected one of info | warning | critical, got "major"'],
    ],
    ['an empty message', [{ ...alarm, message: ' ' }], ['alarms[0].message: expected non-empty text, got " "']],
    [
      'a bad delay',
      [{ ...alarm, delay: 'soon' }],
      [
        'alarms[0].delay: expected a duration such as "500ms", "2s", "5min" or "1h" between 0ms and 86400000ms, got "soon"',
      ],
    ],
  ])('rejects %s', (_name, alarms, expected) => {
    expect(problemsOf(alarms)).toEqual(expected);
  });
});
