import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { profileSchema } from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import {
  type BellSchedule,
  type HeatingSchedule,
  lintBellSchedule,
  lintHeatingSchedule,
  lintSchedule,
  parseLocalDate,
  type Schedule,
} from '@beffroi/schedule';
import { loadCentralConfig } from '../../apps/central/src/central.config';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { loadSimulatorConfig } from '../../apps/simulator/src/simulator.config';

const ROOT = resolve(__dirname, '..', '..');
const CONFIG = join(ROOT, 'config');
const UNITS = join(ROOT, 'deploy', 'systemd');

describe('the configuration files we ship', () => {
  it.each(readdirSync(join(CONFIG, 'profiles')))('profile %s is valid', (file) => {
    expect(() => loadYamlFile(profileSchema, join(CONFIG, 'profiles', file))).not.toThrow();
  });

  it('the demo gateway config loads with its profiles', () => {
    const { config, profiles } = loadGatewayConfig(join(CONFIG, 'gateway.yaml'));
    expect(config.buses.map((b) => b.protocol)).toEqual(['modbus-tcp', 'modbus-rtu-over-tcp', 'opcua']);
    expect([...profiles.keys()].sort()).toEqual(['beffroi-sim-bells', 'beffroi-sim-cabinet', 'beffroi-sim-heating']);
  });

  it('the demo schedules load and lint clean, but for the lighting’s known summer mornings', () => {
    const { schedules, schoolHolidays } = loadGatewayConfig(join(CONFIG, 'gateway.yaml'));
    expect(schedules.map((s) => `${s.config.id}:${s.config.kind}`)).toEqual([
      'eclairage-hotel-de-ville:lighting',
      'cloches-basilique:bells',
      'chauffage-salle-des-fetes:heating',
    ]);
    const [first, last] = [parseLocalDate('2026-11-01'), parseLocalDate('2027-06-30')];
    for (const loaded of schedules) {
      const context = { schoolHolidays };
      const findings =
        loaded.config.kind === 'bells'
          ? lintBellSchedule(loaded.schedule as BellSchedule, loaded.site.timeZone, first, last, context)
          : loaded.config.kind === 'heating'
            ? lintHeatingSchedule(loaded.schedule as HeatingSchedule, loaded.site, first, last, context)
            : lintSchedule(loaded.schedule as Schedule, loaded.site, first, last, context);
      // Lighting: in June the 05:30 "on" comes just before or after sunrise (short burn, dropped point), by design.
      const summerMornings = loaded.config.kind === 'lighting' ? ['onAfterSunrise', 'shortBurn'] : [];
      expect(findings.filter((f) => f.severity !== 'info' && !summerMornings.includes(f.code))).toEqual([]);
    }
  });

  it('the demo simulator and central configs load', () => {
    expect(loadSimulatorConfig(join(CONFIG, 'simulator.yaml')).modbus).toHaveLength(3);
    expect(loadCentralConfig(join(CONFIG, 'central.yaml')).http.port).toBe(8080);
  });

  it('a missing file is named', () => {
    expect(() => loadGatewayConfig(join(CONFIG, 'nope.yaml'))).toThrow(
      /nope\.yaml.*\n.*cannot read the file \(ENOENT\)/,
    );
  });

  it.each(readdirSync(UNITS))('systemd unit %s runs a built app with its config and state folder', (file) => {
    const unit = readFileSync(join(UNITS, file), 'utf8');
    const setting = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
    const app = /^beffroi-(\w+)\.service$/.exec(file)?.[1] ?? '';
    expect(setting('ExecStart')).toBe(
      `/usr/bin/node /opt/beffroi/dist/apps/${app}/src/main.js --config /etc/beffroi/${app}.yaml`,
    );
    expect(existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(CONFIG, `${app}.yaml`))).toBe(true);
    expect(setting('StateDirectory')).toBe(`beffroi/${app}`);
    expect(setting('WorkingDirectory')).toBe(`/var/lib/beffroi/${app}`);
    expect(setting('ReadWritePaths')).toBe(`/var/lib/beffroi/${app}`);
    expect(setting('Restart')).toBe('always');
  });
});
