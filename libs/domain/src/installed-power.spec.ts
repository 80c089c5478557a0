import { stringify } from 'yaml';
import { checkProfileReferences, gatewayConfigSchema } from './gateway-config.schema';
import { profileSchema } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { parseYaml } from './validation/parse-document';

const CABINET = profileSchema.parse({
  id: 'cabinet',
  name: 'Armoire',
  protocol: 'modbus',
  points: [
    { id: 'circuit.1.command', kind: 'command', type: 'bool', address: { table: 'coil', address: 0 } },
    { id: 'circuit.1.level', kind: 'setpoint', type: 'uint16', address: { table: 'holding-register', address: 0 } },
  ],
});

function config(installedPower: unknown): Record<string, unknown> {
  return {
    gateway: { id: 'gw-1' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    buses: [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        equipment: [{ id: 'cab-1', profile: 'cabinet', unit: 1, installedPower }],
      },
    ],
  };
}

function problemsOf(input: unknown): string[] {
  try {
    const parsed = parseYaml(gatewayConfigSchema, stringify(input), 'gateway.yaml');
    return checkProfileReferences(parsed, new Map([['cabinet', CABINET]])).map((p) => `${p.path}: ${p.message}`);
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
}

describe('installed power of lighting outputs', () => {
  it('is given in watts by output point id', () => {
    expect(problemsOf(config({ 'circuit.1.command': 1800 }))).toEqual([]);
    const parsed = gatewayConfigSchema.parse(config({ 'circuit.1.command': 1800 }));
    expect(parsed.buses[0]?.equipment[0]?.installedPower).toEqual({ 'circuit.1.command': 1800 });
  });

  it.each([
    [
      'zero watts',
      { 'circuit.1.command': 0 },
      'buses[0].equipment[0].installedPower.circuit.1.command: expected watts, a number > 0 and ≤ 10000000, got 0',
    ],
    [
      'a text',
      { 'circuit.1.command': '1.8 kW' },
      'buses[0].equipment[0].installedPower.circuit.1.command: expected watts, a number > 0 and ≤ 10000000, got "1.8 kW"',
    ],
    [
      'a point the profile does not have',
      { 'circuit.9.command': 1800 },
      'buses[0].equipment[0].installedPower.circuit.9.command: profile "cabinet" has no point "circuit.9.command"',
    ],
    [
      'a point that is not a lighting output',
      { 'circuit.1.level': 1800 },
      'buses[0].equipment[0].installedPower.circuit.1.level: installed power belongs to a lighting output (a bool command point); "circuit.1.level" is a uint16 setpoint point',
    ],
  ])('refuses %s, naming where', (_, installedPower, expected) => {
    expect(problemsOf(config(installedPower))).toEqual([expected]);
  });
});
