import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'beffroi.js');

describe('the beffroi command (package.json bin)', () => {
  it('prints a year of sun events as JSON lines, the same under any host time zone', () => {
    const args = [
      BIN,
      'sun',
      '--lat',
      '49.8467',
      '--lon',
      '3.2874',
      '--tz',
      'Europe/Paris',
      '--from',
      '2027-01-01',
      '--days',
      '365',
    ];
    const outputs = ['UTC', 'Pacific/Kiritimati', 'America/Martinique'].map((tz) => {
      const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, TZ: tz } });
      expect(result.status).toBe(0);
      return result.stdout;
    });
    expect(outputs[0]!.trim().split('\n')).toHaveLength(365);
    expect(new Set(outputs).size).toBe(1);
  });

  it('previews the example schedule from config/schedules night by night, and as JSON', () => {
    const args = [
      BIN,
      'schedule',
      'preview',
      '--file',
      join('config', 'schedules', 'eclairage-saint-quentin.yaml'),
      '--site',
      '49.8467,3.2874,Europe/Paris',
      '--from',
      '2027-01-04',
      '--days',
      '7',
    ];
    const cwd = join(__dirname, '..', '..');
    const human = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('night of Mon 2027-01-04: programme nuit (default)');
    expect(human.stdout).toContain('  2027-01-04T23:00:00+01:00  off   (programme nuit, point 1: 23:00)');
    expect(human.stdout).toContain('lint: no findings');
    const json = spawnSync(process.execPath, [...args, '--json'], { cwd, encoding: 'utf8' });
    expect(json.status).toBe(0);
    const preview = JSON.parse(json.stdout) as { transitions: unknown[]; skipped: unknown[]; findings: unknown[] };
    expect(preview.transitions).toHaveLength(28);
    expect(preview.findings).toEqual([]);
  });

  it('previews the bell and heating schedules of config/schedules, their kind read from the document', () => {
    const cwd = join(__dirname, '..', '..');
    const preview = (file: string, site: string, from: string) =>
      spawnSync(
        process.execPath,
        [BIN, 'schedule', 'preview', '--file', join('config', 'schedules', file), '--site', site, '--from', from],
        { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
      );
    const bells = preview('cloches-basilique.yaml', '49.8477,3.2885,Europe/Paris', '2027-06-12');
    expect(bells.status).toBe(0);
    expect(bells.stdout).toContain('day of Sat 2027-06-12: programme ordinaire (default)');
    expect(bells.stdout).toContain('  2027-06-12T07:00:00+02:00  angelus  9 strikes  (programme ordinaire, ring 0)');
    const heating = preview('chauffage-salle-des-fetes.yaml', '49.8431,3.2952,Europe/Paris', '2027-01-16');
    expect(heating.status).toBe(0);
    expect(heating.stdout).toContain('night of Sat 2027-01-16: programme soiree (calendar rule 0: dates)');
    expect(heating.stdout).toContain('  2027-01-16T16:00:00+01:00  comfort 19 °C  (programme soiree, point 0: 16:00)');
  });

  it('exits 2 with one line naming a bad argument', () => {
    const result = spawnSync(process.execPath, [BIN, 'sun', '--lat', 'north'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['beffroi sun: --lat: expected a number -90..90, got "north"']);
  });
});
