import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './beffroi.cli';

const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml');
const SCHOOL_EXAMPLE = join(__dirname, '..', '..', '..', '..', 'config', 'schedules', 'eclairage-ecole.yaml');
const SAINT_QUENTIN = '49.8467,3.2874,Europe/Paris';

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(
    ['schedule', 'preview', ...argv],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** A schedule file in a fresh temp folder. */
function scheduleFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'beffroi-preview-')), 'schedule.yaml');
  writeFileSync(path, yaml);
  return path;
}

interface PreviewJson {
  transitions: { at: string; value: boolean | number; programmeId: string; pointIndex: number; night: string }[];
  skipped: { night: string; reason: string; message: string }[];
  findings: { severity: string; code: string; nights: string[]; message: string }[];
}

function json(...argv: string[]): PreviewJson {
  const { code, out, err } = run(...argv, '--json');
  expect({ code, err }).toEqual({ code: 0, err: [] });
  expect(out).toHaveLength(1);
  return JSON.parse(out[0]!) as PreviewJson;
}

describe('beffroi schedule preview', () => {
  it('prints a winter week night by night, with the programme and the point behind each transition', () => {
    const { code, out, err } = run('--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2027-01-04', '--days', '7');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toBe(`${EXAMPLE} at 49.8467,3.2874 Europe/Paris (horizon usno), 7 nights 2027-01-04 .. 2027-01-10`);
    const night = out.indexOf('night of Mon 2027-01-04: programme nuit (default)');
    expect(night).toBeGreaterThan(0);
    expect(out.slice(night + 1, night + 5)).toEqual([
      expect.stringMatching(/^ {2}2027-01-04T17:\d\d:\d\d\+01:00 {2}on {4}\(programme nuit, point 0: sunset\+15min\)$/),
      '  2027-01-04T23:00:00+01:00  off   (programme nuit, point 1: 23:00)',
      '  2027-01-05T05:30:00+01:00  on    (programme nuit, point 2: 05:30)',
      expect.stringMatching(/^ {2}2027-01-05T08:\d\d:\d\d\+01:00 {2}off {3}\(programme nuit, point 3: sunrise\)$/),
    ]);
    expect(out.filter((line) => line.startsWith('night of '))).toHaveLength(7);
    expect(out.filter((line) => /^ {2}2027-01-\d\dT/.test(line))).toHaveLength(28);
    expect(out).toContain('skipped points: none');
    expect(out).toContain('lint: no findings');
  });

  it.each([
    ['2027-07-14', 'calendar rule 0: publicHoliday'],
    ['2027-12-31', 'calendar rule 1: yearlyDate'],
    ['2027-11-11', 'calendar rule 0: publicHoliday'],
    ['2027-05-08', 'calendar rule 0: publicHoliday'],
  ])('keeps the lights on all night on %s (%s)', (date, rule) => {
    const { out } = run('--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', date, '--days', '1');
    expect(out).toContainEqual(
      expect.stringMatching(new RegExp(`^night of \\w{3} ${date}: programme toute-la-nuit \\(${rule}\\)$`)),
    );
    const { transitions } = json('--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', date, '--days', '1');
    expect(transitions.map((t) => [t.programmeId, t.pointIndex, t.value])).toEqual([
      ['toute-la-nuit', 0, true],
      ['toute-la-nuit', 1, false],
    ]);
  });

  it('prints JSON on one line: transitions with offsets and nights, skipped points, findings', () => {
    const preview = json('--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2027-03-27', '--days', '2');
    expect(Object.keys(preview)).toEqual(['transitions', 'skipped', 'findings']);
    expect(preview.transitions).toHaveLength(8);
    expect(preview.transitions[0]).toEqual({
      at: expect.stringMatching(/^2027-03-27T19:\d\d:\d\d\+01:00$/) as unknown,
      value: true,
      programmeId: 'nuit',
      pointIndex: 0,
      night: '2027-03-27',
    });
    // Summer time starts in the night of 2027-03-27: 05:30 the next morning is in +02:00.
    expect(preview.transitions[2]).toMatchObject({ at: '2027-03-28T05:30:00+02:00', value: true, night: '2027-03-27' });
    expect(preview.transitions.map((t) => t.night)).toEqual([
      ...Array(4).fill('2027-03-27'),
      ...Array(4).fill('2027-03-28'),
    ]);
    expect(preview.skipped).toEqual([]);
    expect(preview.findings).toEqual([]);
  });

  it('flags the example in June: the 05:30 relight burns less than 10 min before sunrise', () => {
    const { findings } = json('--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2027-06-01', '--days', '30');
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'shortBurn',
        nights: expect.arrayContaining(['2027-06-21']) as unknown,
      }),
    ]);
  });

  it('flags a fixed "on" after the summer sunrise and lists the dropped point', () => {
    const file = scheduleFile(
      [
        'calendar: { defaultProgrammeId: nuit, rules: [] }',
        'programmes:',
        '  nuit:',
        '    points:',
        '      - { sun: sunset, value: true }',
        "      - { at: '23:00', value: false }",
        "      - { at: '06:00', value: true }",
        '      - { sun: sunrise, value: false }',
      ].join('\n'),
    );
    const preview = json('--file', file, '--site', SAINT_QUENTIN, '--from', '2027-06-14', '--days', '7');
    expect(preview.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'onAfterSunrise',
        nights: expect.arrayContaining(['2027-06-14']) as unknown,
      }),
    ]);
    expect(preview.skipped.map((s) => s.reason)).toEqual(Array(7).fill('overtaken'));
    const { out } = run('--file', file, '--site', SAINT_QUENTIN, '--from', '2027-06-14', '--days', '7');
    expect(out).toContain('lint (1):');
    expect(out.find((line) => line.startsWith('  warning  onAfterSunrise  nuit point 2 (06:00)'))).toBeDefined();
    expect(out.filter((line) => line.includes('  overtaken  '))).toHaveLength(7);
  });

  it('loads the shipped school holidays for a schoolHoliday rule and reports nights beyond them', () => {
    const inData = json('--file', SCHOOL_EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2027-02-15', '--days', '14');
    expect(new Set(inData.transitions.map((t) => t.programmeId))).toEqual(new Set(['periode-scolaire', 'vacances']));
    expect(inData.findings).toEqual([]);
    const beyond = json('--file', SCHOOL_EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2028-09-10', '--days', '1');
    expect(beyond.transitions).toEqual([]);
    expect(beyond.findings).toEqual([expect.objectContaining({ severity: 'error', code: 'programmeUnknown' })]);
  });

  const base = ['--site', SAINT_QUENTIN, '--from', '2027-01-04'];
  it.each([
    [['--site', SAINT_QUENTIN, '--from', '2027-01-04'], '--file is required'],
    [['--file', EXAMPLE, '--from', '2027-01-04'], '--site is required'],
    [['--file', EXAMPLE, '--site', SAINT_QUENTIN], '--from is required'],
    [
      ['--file', EXAMPLE, '--site', '49.8467,3.2874', '--from', '2027-01-04'],
      '--site: expected "lat,lon,timeZone[,altitude]"',
    ],
    [
      ['--file', EXAMPLE, '--site', '49.8,3.2,Europe/Paris,80,x', '--from', '2027-01-04'],
      '--site: expected "lat,lon,timeZone[,altitude]"',
    ],
    [
      ['--file', EXAMPLE, '--site', '95,3.2874,Europe/Paris', '--from', '2027-01-04'],
      '--site: latitude: expected a number -90..90, got "95"',
    ],
    [
      ['--file', EXAMPLE, '--site', '49.8,east,Europe/Paris', '--from', '2027-01-04'],
      '--site: longitude: expected a number -180..180, got "east"',
    ],
    [
      ['--file', EXAMPLE, '--site', '49.8,3.2,Paris', '--from', '2027-01-04'],
      '--site: time zone: expected an IANA time zone such as Europe/Paris, got "Paris"',
    ],
    [
      ['--file', EXAMPLE, '--site', '49.8,3.2,Europe/Paris,high', '--from', '2027-01-04'],
      '--site: altitude: expected a number -500..9000, got "high"',
    ],
    [
      ['--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', '2027-02-30'],
      '--from: expected a date YYYY-MM-DD, got "2027-02-30"',
    ],
    [['--file', EXAMPLE, '--site', SAINT_QUENTIN, '--from', '04/01/2027'], '--from: expected a date YYYY-MM-DD'],
    [['--file', EXAMPLE, ...base, '--days', '0'], '--days: expected a number 1..3660, got "0"'],
    [['--file', EXAMPLE, ...base, '--days', '3661'], '--days: expected a number 1..3660'],
    [['--file', EXAMPLE, ...base, '--days', '2.5'], '--days: expected a whole number of nights'],
    [['--file', EXAMPLE, ...base, '--horizon', 'sea'], '--horizon: expected usno | imcce, got "sea"'],
    [['--file', EXAMPLE, ...base, '--tz', 'Europe/Paris'], 'unknown option --tz'],
    [
      ['--file', '/nonexistent/schedule.yaml', ...base],
      '--file: /nonexistent/schedule.yaml: cannot read the file (ENOENT)',
    ],
  ])('refuses %j with one line naming the argument, exit 2', (argv, message) => {
    const { code, out, err } = run(...argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`beffroi schedule preview: ${message}`);
  });

  it.each([
    [
      'an unknown programme and a bad time',
      "calendar: { defaultProgrammeId: nuit, rules: [{ kind: yearlyDate, month: 7, day: 14, programmeId: fete }] }\nprogrammes:\n  nuit:\n    points: [{ at: '25:00', value: true }]\n",
      [
        'programmes.nuit.points[0].at: expected a local time "HH:MM" (00:00 to 23:59)',
        'calendar.rules[0].programmeId: no programme "fete" in "programmes"',
      ],
    ],
    ['a YAML syntax error', 'calendar: [\n', ['line ']],
    ['a missing calendar', 'programmes: {}\n', ['calendar']],
  ])('refuses a schedule file with %s on one line naming the file and each path', (_, yaml, parts) => {
    const file = scheduleFile(yaml);
    const { code, out, err } = run('--file', file, ...base);
    expect({ code, out }).toEqual({ code: 2, out: [] });
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`beffroi schedule preview: --file: ${file}: `);
    for (const part of parts) expect(err[0]).toContain(part);
  });

  it('refuses a school-holiday file it cannot read, naming the option', () => {
    const { code, err } = run('--file', SCHOOL_EXAMPLE, ...base, '--school-holidays', '/nonexistent/holidays.json');
    expect(code).toBe(2);
    expect(err).toEqual([
      'beffroi schedule preview: --school-holidays: /nonexistent/holidays.json: cannot read the JSON file (ENOENT)',
    ]);
  });

  it('refuses an unknown schedule subcommand', () => {
    expect(
      runCli(
        ['schedule', 'apply'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
  });
});
