import { stringify } from 'yaml';
import { checkProfileReferences, gatewayConfigSchema } from './gateway-config.schema';
import { profileSchema, type Profile } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { parseYaml } from './validation/parse-document';

/** A valid gateway config; each test breaks one thing. */
function gatewayConfig(): Record<string, unknown> {
  return {
    gateway: { id: 'gw-1' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    buses: [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: 5020,
        equipment: [
          { id: 'cab-1', profile: 'cabinet', unit: 1 },
          { id: 'cab-2', profile: 'cabinet', unit: 2 },
          { id: 'cab-3', profile: 'cabinet', unit: 3 },
        ],
      },
      {
        id: 'belfry',
        protocol: 'modbus-rtu',
        path: '/dev/ttyUSB0',
        equipment: [{ id: 'bells', profile: 'bells', unit: 2 }],
      },
    ],
  };
}

function problemsOf(input: unknown): string[] {
  try {
    parseYaml(gatewayConfigSchema, stringify(input), 'gateway.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

function mutate(change: (config: any) => void): Record<string, unknown> {
  const config = gatewayConfig();
  change(config);
  return config;
}

describe('gateway config', () => {
  it('loads a valid file and fills defaults', () => {
    const config = parseYaml(gatewayConfigSchema, stringify(gatewayConfig()), 'gateway.yaml');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(config.sites[0]?.altitude).toBe(0);
    const rtu = config.buses[1];
    expect(rtu?.protocol === 'modbus-rtu' && [rtu.baudRate, rtu.parity, rtu.timeout]).toEqual([19200, 'even', 1000]);
  });

  it.each<[string, (config: any) => void, string]>([
    [
      'unit out of range',
      (c) => (c.buses[0].equipment[2].unit = 300),
      'buses[0].equipment[2].unit: expected integer 0..255, got 300',
    ],
    [
      'unit 0 on a serial line',
      (c) => (c.buses[1].equipment[0].unit = 0),
      'buses[1].equipment[0].unit: expected integer 1..247, got 0',
    ],
    ['missing host', (c) => delete c.buses[0].host, 'buses[0].host: expected a host name or IP address, got nothing'],
    [
      'unknown protocol',
      (c) => (c.buses[0].protocol = 'bacnet'),
      'buses[0].protocol: expected protocol modbus-tcp | modbus-rtu | modbus-rtu-over-tcp | opcua, got "bacnet"',
    ],
    ['unknown key', (c) => (c.buses[0].hots = 'x'), 'buses[0]: unknown key "hots"'],
    [
      'bad time zone',
      (c) => (c.sites[0].timeZone = 'Europe/Pariss'),
      'sites[0].timeZone: expected an IANA time zone such as "Europe/Paris", got "Europe/Pariss"',
    ],
    ['latitude', (c) => (c.sites[0].latitude = 123), 'sites[0].latitude: expected number -90..90°, got 123'],
    [
      'INSEE code as a number',
      (c) => (c.commune.insee = 2691),
      'commune.insee: expected an INSEE commune code such as "02691" (quote it in YAML), got 2691',
    ],
    [
      'duplicate equipment',
      (c) => (c.buses[1].equipment[0].id = 'cab-1'),
      'buses[1].equipment[0].id: duplicate equipment id "cab-1"',
    ],
    [
      'duplicate unit',
      (c) => (c.buses[0].equipment[1].unit = 1),
      'buses[0].equipment[1].unit: duplicate unit on this bus: 1',
    ],
    [
      'bad duration',
      (c) => (c.buses[0].timeout = '3 days'),
      'buses[0].timeout: expected a duration such as "500ms", "2s", "5min" or "1h" between 10ms and 60000ms, got "3 days"',
    ],
    [
      'unknown site',
      (c) => (c.buses[0].equipment[0].site = 'eglise'),
      'buses[0].equipment[0].site: unknown site "eglise"',
    ],
  ])('names the path and the expectation: %s', (_name, change, expected) => {
    expect(problemsOf(mutate(change))).toEqual([expected]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      mutate((c) => {
        c.buses[0].port = 70000;
        c.sites[0].longitude = 'east';
      }),
    );
    expect(problems).toEqual([
      'sites[0].longitude: expected number -180..180°, got "east"',
      'buses[0].port: expected integer 1..65535, got 70000',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseYaml(gatewayConfigSchema, 'gateway:\n  id: [unclosed\n', 'gateway.yaml')).toThrow(
      /gateway\.yaml.*\n.*line \d+/,
    );
  });

  it('checks profile references and protocols', () => {
    const config = parseYaml(gatewayConfigSchema, stringify(gatewayConfig()), 'gateway.yaml');
    const heating: Profile = profileSchema.parse({
      id: 'bells',
      name: 'Not bells at all',
      protocol: 'opcua',
      points: [{ id: 'zone.1.mode', kind: 'setpoint', type: 'string', address: { nodeId: 'ns=1;s=Zone1.Mode' } }],
    });
    const problems = checkProfileReferences(config, new Map([['bells', heating]]));
    expect(problems).toEqual([
      { path: 'buses[0].equipment[0].profile', message: 'unknown profile "cabinet" (known: bells)' },
      { path: 'buses[0].equipment[1].profile', message: 'unknown profile "cabinet" (known: bells)' },
      { path: 'buses[0].equipment[2].profile', message: 'unknown profile "cabinet" (known: bells)' },
      { path: 'buses[1].equipment[0].profile', message: 'profile "bells" is for opcua, this bus speaks modbus-rtu' },
    ]);
  });
});

describe('missing sections', () => {
  it('says what is missing and what it should be', () => {
    expect(problemsOf({ gateway: { id: 'gw-1' }, commune: { insee: '02691', name: 'X' } })).toEqual([
      'sites: missing, expected a list',
      'buses: missing, expected a list',
    ]);
  });
});
