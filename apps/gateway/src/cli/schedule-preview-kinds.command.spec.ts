import { join } from 'node:path';
import { runCli } from './beffroi.cli';

const SCHEDULES = join(__dirname, '..', '..', '..', '..', 'config', 'schedules');
const BELLS = join(SCHEDULES, 'cloches-basilique.yaml');
const HEATING = join(SCHEDULES, 'chauffage-salle-des-fetes.yaml');
const BASILIQUE = '49.8477,3.2885,Europe/Paris';

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

describe('beffroi schedule preview of bell and heating schedules', () => {
  it('detects a bell schedule and prints each day’s rings with their sequence, strikes and cause', () => {
    const { code, out, err } = run('--file', BELLS, '--site', BASILIQUE, '--from', '2027-06-12', '--days', '1');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toBe(`${BELLS} at 49.8477,3.2885 Europe/Paris, bells, 1 day 2027-06-12 .. 2027-06-12`);
    const day = out.indexOf('day of Sat 2027-06-12: programme ordinaire (default)');
    expect(out.slice(day + 1, day + 3)).toEqual([
      '  2027-06-12T07:00:00+02:00  angelus  9 strikes  (programme ordinaire, ring 0)',
      '  2027-06-12T08:00:00+02:00  heures  8 strikes  (programme ordinaire, ring 1)',
    ]);
    expect(out).toContain('  2027-06-12T13:00:00+02:00  heures  1 strike  (programme ordinaire, ring 3)');
    expect(out).toContain('  2027-06-12T15:30:00+02:00  mariage  0 strikes  (event 0: Mariage Martin–Dubois)');
    expect(out.slice(-4)).toEqual(['', 'skipped: none', '', 'lint: no findings']);
  });

  it('detects a heating schedule and prints each night’s levels with their setpoint, in local time', () => {
    const site = '49.8431,3.2952,Europe/Paris';
    const { code, out, err } = run('--file', HEATING, '--site', site, '--from', '2027-01-16', '--days', '2');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const night = out.indexOf('night of Sat 2027-01-16: programme soiree (calendar rule 0: dates)');
    expect(out.slice(night + 1, night + 5)).toEqual([
      '  2027-01-16T16:00:00+01:00  comfort 19 °C  (programme soiree, point 0: 16:00)',
      '  2027-01-17T01:30:00+01:00  frost 8 °C     (programme soiree, point 1: 01:30)',
      '',
      'night of Sun 2027-01-17: programme hors-gel (default)',
    ]);
  });

  it('answers as central’s preview does with --json, lint findings added', () => {
    const site = '49.8431,3.2952,Europe/Paris';
    const { code, out } = run('--file', HEATING, '--site', site, '--from', '2027-01-16', '--days', '1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      kind: 'heating',
      timeZone: 'Europe/Paris',
      from: '2027-01-16T12:00:00+01:00',
      to: '2027-01-17T12:00:00+01:00',
      transitions: [
        {
          at: '2027-01-16T15:00:00.000Z',
          local: '2027-01-16T16:00:00+01:00',
          value: 'comfort',
          setpoint: 19,
          night: '2027-01-16',
          cause: { programmeId: 'soiree', pointIndex: 0, point: '16:00', rule: { index: 0, kind: 'dates' } },
        },
        {
          at: '2027-01-17T00:30:00.000Z',
          local: '2027-01-17T01:30:00+01:00',
          value: 'frost',
          setpoint: 8,
          night: '2027-01-16',
          cause: { programmeId: 'soiree', pointIndex: 1, point: '01:30', rule: { index: 0, kind: 'dates' } },
        },
      ],
      skipped: [],
      findings: [],
    });
  });

  it('bells: days run from 00:00 local, and --json gives each ring its strikes', () => {
    const { code, out } = run('--file', BELLS, '--site', BASILIQUE, '--from', '2027-06-12', '--days', '1', '--json');
    expect(code).toBe(0);
    const preview = JSON.parse(out[0] ?? '') as { from: string; rings: { local: string; strikes: number }[] };
    expect(preview.from).toBe('2027-06-12T00:00:00+02:00');
    expect(preview.rings[0]).toMatchObject({ local: '2027-06-12T07:00:00+02:00', sequence: 'angelus', strikes: 9 });
    expect(preview.rings).toHaveLength(16);
  });

  it('--kind reads the file with that kind’s schema and names every problem', () => {
    const { code, err } = run('--kind', 'bells', '--file', HEATING, '--site', BASILIQUE, '--from', '2027-01-16');
    expect(code).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(/^beffroi schedule preview: --file: .*: 8 problems: sequences: missing/),
    ]);
  });

  it('a bad --kind is a usage error naming it', () => {
    const { code, err } = run('--kind', 'cloches', '--file', BELLS, '--site', BASILIQUE, '--from', '2027-06-12');
    expect({ code, err }).toEqual({
      code: 2,
      err: ['beffroi schedule preview: --kind: expected lighting | bells | heating, got "cloches"'],
    });
  });
});
