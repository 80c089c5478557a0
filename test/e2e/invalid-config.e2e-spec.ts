import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function run(app: 'gateway' | 'central' | 'simulator', configText: string) {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-config-'));
  const config = join(dir, `${app}.yaml`);
  writeFileSync(config, configText);
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), '--config', config], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: result.stdout + result.stderr, config };
}

describe('an invalid config refuses to start, naming the problem', () => {
  it('gateway: unit out of range and an unknown profile', () => {
    const demo = readFileSync(join(ROOT, 'config', 'gateway.yaml'), 'utf8')
      .replace('profilesDir: profiles', `profilesDir: ${join(ROOT, 'config', 'profiles')}`)
      .replace('unit: 1', 'unit: 300')
      .replace('profile: beffroi-sim-bells', 'profile: cloches-xyz');
    const { status, output } = run('gateway', demo);
    expect(status).toBe(78);
    expect(output).toContain('buses[0].equipment[0].unit: expected integer 0..255, got 300');
    expect(output).toMatch(/buses\[1\]\.equipment\[0\]\.profile: unknown profile \\?"cloches-xyz\\?"/);
    expect(output).not.toContain('listening');
  });

  it('gateway: unknown profile once the file itself is valid', () => {
    const demo = readFileSync(join(ROOT, 'config', 'gateway.yaml'), 'utf8')
      .replace('profilesDir: profiles', `profilesDir: ${join(ROOT, 'config', 'profiles')}`)
      .replace('profile: beffroi-sim-bells', 'profile: cloches-xyz');
    const { status, output } = run('gateway', demo);
    expect(status).toBe(78);
    expect(output).toMatch(
      /buses\[1\]\.equipment\[0\]\.profile: unknown profile \\?"cloches-xyz\\?" \(known: beffroi-sim-bells/,
    );
  });

  it('gateway: a problem in the file, in a profile and in a schedule file are reported together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-config-'));
    cpSync(join(ROOT, 'config'), dir, { recursive: true });
    const edit = (file: string, from: string, to: string) =>
      writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(from, to));
    edit('profiles/beffroi-sim-cabinet.yaml', 'kind: feedback', 'kind: toaster');
    edit('schedules/cloches-basilique.yaml', 'count: 3', 'count: beaucoup');
    edit('gateway.yaml', 'unit: 1', 'unit: 300');
    const config = join(dir, 'gateway.yaml');
    const main = join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
    const result = spawnSync(process.execPath, [main, '--config', config], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(78);
    const refusal = (result.stdout + result.stderr)
      .split('\n')
      .filter((line) => line.includes('refusing to start'))
      .map((line) => (JSON.parse(line) as { message: string }).message);
    expect(refusal).toEqual([
      [
        `invalid configuration, refusing to start: ${config}: 3 problems`,
        '  - buses[0].equipment[0].unit: expected integer 0..255, got 300',
        '  - profiles/beffroi-sim-cabinet.yaml: points[1].kind: expected one of command | feedback | measure | alarm | setpoint, got "toaster"',
        '  - schedules/cloches-basilique.yaml: sequences.angelus.steps[0].count: expected a count 1..24 or "hour", got "beaucoup"',
      ].join('\n'),
    ]);
  });

  it('central: a port that is not a number', () => {
    const { status, output } = run('central', 'http:\n  port: eighty\n');
    expect(status).toBe(78);
    expect(output).toMatch(/http\.port: expected integer 0\.\.65535, got \\?"eighty\\?"/);
  });

  it('simulator: an unknown device kind', () => {
    const { status, output } = run(
      'simulator',
      'modbus:\n  - id: a\n    transport: { type: tcp, port: 0 }\n    devices:\n      - { id: x, kind: toaster, unit: 1 }\n',
    );
    expect(status).toBe(78);
    expect(output).toContain(
      'modbus[0].devices[0].kind: expected kind lighting-cabinet | bell-controller | register-bank',
    );
  });
});
