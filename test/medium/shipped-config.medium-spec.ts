import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { profileSchema } from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import { loadCentralConfig } from '../../apps/central/src/central.config';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { loadSimulatorConfig } from '../../apps/simulator/src/simulator.config';

const CONFIG = resolve(__dirname, '..', '..', 'config');

describe('the configuration files we ship', () => {
  it.each(readdirSync(join(CONFIG, 'profiles')))('profile %s is valid', (file) => {
    expect(() => loadYamlFile(profileSchema, join(CONFIG, 'profiles', file))).not.toThrow();
  });

  it('the demo gateway config loads with its profiles', () => {
    const { config, profiles } = loadGatewayConfig(join(CONFIG, 'gateway.yaml'));
    expect(config.buses.map((b) => b.protocol)).toEqual(['modbus-tcp', 'modbus-rtu-over-tcp', 'opcua']);
    expect([...profiles.keys()].sort()).toEqual(['beffroi-sim-bells', 'beffroi-sim-cabinet', 'beffroi-sim-heating']);
  });

  it('the demo simulator and central configs load', () => {
    expect(loadSimulatorConfig(join(CONFIG, 'simulator.yaml')).modbus).toHaveLength(2);
    expect(loadCentralConfig(join(CONFIG, 'central.yaml')).http.port).toBe(8080);
  });

  it('a missing file is named', () => {
    expect(() => loadGatewayConfig(join(CONFIG, 'nope.yaml'))).toThrow(
      /nope\.yaml.*\n.*cannot read the file \(ENOENT\)/,
    );
  });
});
