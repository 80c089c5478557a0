import { stringify } from 'yaml';
import { checkProfileReferences, desiredScheduleItemSchema, gatewayConfigSchema } from './gateway-config.schema';
import { profileSchema, type Profile } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { parseYaml, problemsFromIssues } from './validation/parse-document';

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
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8081, insecure: false });
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

describe('central section', () => {
  const withCentral = (central: Record<string, unknown>) => mutate((c) => (c.central = central));

  it('is optional: without it the gateway runs alone', () => {
    expect(parseYaml(gatewayConfigSchema, stringify(gatewayConfig()), 'gateway.yaml').central).toBeUndefined();
  });

  it('fills the defaults of the contract with central', () => {
    const config = parseYaml(
      gatewayConfigSchema,
      stringify(withCentral({ url: 'http://127.0.0.1:8080', enrolmentCode: 'K7QX-2M4P' })),
      'gateway.yaml',
    );
    expect(config.central).toEqual({
      url: 'http://127.0.0.1:8080',
      credentialFile: 'var/gateway-credential',
      enrolmentCode: 'K7QX-2M4P',
      reconnectMin: 1000,
      reconnectMax: 60_000,
      telemetryInterval: 10_000,
      healthInterval: 60_000,
      drain: { perSecond: 200, burst: 500 },
      outbox: {
        telemetry: 20_000,
        switching: 100_000,
        output: 20_000,
        alarm: 20_000,
        commandResult: 100_000,
        health: 1000,
        bucket: 1_000_000,
        commissioningReport: 1000,
      },
    });
  });

  it('reads durations, the drain rate and quotas as written', () => {
    const config = parseYaml(
      gatewayConfigSchema,
      stringify(
        withCentral({
          url: 'https://central.example.fr/beffroi',
          reconnectMin: '50ms',
          reconnectMax: '2s',
          telemetryInterval: '200ms',
          healthInterval: '1s',
          drain: { perSecond: 0.5, burst: 10 },
          outbox: { telemetry: 5 },
        }),
      ),
      'gateway.yaml',
    );
    expect(config.central).toMatchObject({
      reconnectMin: 50,
      reconnectMax: 2000,
      telemetryInterval: 200,
      healthInterval: 1000,
      drain: { perSecond: 0.5, burst: 10 },
      outbox: { telemetry: 5, switching: 100_000 },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'no url',
      {},
      'central.url: expected central\'s base URL such as "https://central.example.fr", "wss://central.example.fr" or "http://127.0.0.1:8080", got nothing',
    ],
    [
      'a url of another scheme',
      { url: 'ftp://127.0.0.1:8080' },
      'central.url: expected central\'s base URL such as "https://central.example.fr", "wss://central.example.fr" or "http://127.0.0.1:8080", got "ftp://127.0.0.1:8080"',
    ],
    [
      'a url with a query',
      { url: 'http://127.0.0.1:8080/?x=1' },
      'central.url: expected central\'s base URL such as "https://central.example.fr", "wss://central.example.fr" or "http://127.0.0.1:8080", got "http://127.0.0.1:8080/?x=1"',
    ],
    [
      'a bad duration',
      { url: 'http://c', healthInterval: 'hourly' },
      'central.healthInterval: expected a duration such as "500ms", "2s", "5min" or "1h" between 50ms and 3600000ms, got "hourly"',
    ],
    [
      'reconnectMin above reconnectMax',
      { url: 'http://c', reconnectMin: '10s', reconnectMax: '1s' },
      'central.reconnectMax: expected reconnectMax ≥ reconnectMin (10000ms), got "1s"',
    ],
    [
      'a zero drain rate',
      { url: 'http://c', drain: { perSecond: 0 } },
      'central.drain.perSecond: expected a number of messages per second > 0, got 0',
    ],
    [
      'a zero quota',
      { url: 'http://c', outbox: { switching: 0 } },
      'central.outbox.switching: expected integer 1..10000000, got 0',
    ],
    ['an unknown class', { url: 'http://c', outbox: { metrics: 10 } }, 'central.outbox: unknown key "metrics"'],
    ['an unknown key', { url: 'http://c', token: 'x' }, 'central: unknown key "token"'],
    [
      'an empty enrolment code',
      { url: 'http://c', enrolmentCode: ' ' },
      'central.enrolmentCode: expected non-empty text, got " "',
    ],
  ])('names the path and the expectation: %s', (_name, central, expected) => {
    expect(problemsOf(withCentral(central))).toEqual([expected]);
  });
});

describe('desired schedule items', () => {
  function itemProblems(item: unknown): string[] {
    const result = desiredScheduleItemSchema.safeParse(item);
    return result.success ? [] : problemsFromIssues(result.error.issues, item).map((p) => `${p.path}: ${p.message}`);
  }

  it('takes a config entry without id and file, with its document', () => {
    expect(
      itemProblems({ kind: 'lighting', site: 'mairie', outputs: ['cab-1:circuit.1.command'], schedule: { x: 1 } }),
    ).toEqual([]);
    expect(itemProblems({ kind: 'bells', equipment: 'bells', schedule: {} })).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(itemProblems({ kind: 'lighting', outputs: [], file: 'x.yaml' })).toEqual([
      'schedule: expected the schedule document, got nothing',
      'outputs: expected at least one output, got a list',
      ': unknown key "file"',
    ]);
    expect(itemProblems({ kind: 'sprinklers' })).toEqual([
      'kind: expected kind lighting | heating | bells, got "sprinklers"',
    ]);
  });
});
