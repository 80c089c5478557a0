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

  it('exits 2 with one line naming a bad argument', () => {
    const result = spawnSync(process.execPath, [BIN, 'sun', '--lat', 'north'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['beffroi sun: --lat: expected a number -90..90, got "north"']);
  });
});
