import { readFileSync } from 'node:fs';
import type { CatalogueV1 } from '@beffroi/sync';
import { parse } from 'yaml';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway, simulatorCatalogue } from '../support/protocol-gateway';

/**
 * Central checks commands and schedules against what the gateway reported it has (issue 10, item 11): each refusal
 * is a 400 naming the field; without a catalogue yet, a 409 says so.
 */

let central: CentralHarness;
let admin: string;
let agent: string;
let gateway: ProtocolGateway;
const HOUR = 3_600_000;

async function enrol(gatewayId: string, catalogue: CatalogueV1 | undefined = simulatorCatalogue()) {
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateway.catalogue = catalogue;
  return gateway;
}

/** The simulator's equipment, plus a heating controller whose zone mode takes named states. */
function withHeating(): CatalogueV1 {
  const base = simulatorCatalogue();
  return {
    ...base,
    hash: 'b'.repeat(64),
    equipment: [
      ...base.equipment,
      {
        id: 'heating',
        name: 'Chauffage',
        profile: 'heating',
        points: [
          {
            id: 'zone.1.mode',
            name: 'Zone 1 — régime',
            kind: 'setpoint',
            type: 'uint16',
            states: { '0': 'frost', '1': 'eco', '2': 'comfort' },
            writable: true,
          },
          { id: 'zone.1.temperature', kind: 'measure', type: 'float32', unit: '°C', writable: false },
        ],
      },
    ],
    schedules: [
      {
        id: 'eclairage',
        kind: 'lighting',
        targets: { outputs: ['cabinet:circuit.4.command'], slot: 'calendar' },
        document: {},
        source: 'config',
      },
    ],
  };
}

const scheduleFile = (name: string) => parse(readFileSync(`config/schedules/${name}.yaml`, 'utf8')) as unknown;
const HEATING = scheduleFile('chauffage-salle-des-fetes');
const BELLS = scheduleFile('cloches-basilique');

const LIGHTING = {
  calendar: { defaultProgrammeId: 'nuit', rules: [] },
  programmes: {
    nuit: {
      points: [
        { sun: 'sunset', offsetMinutes: 15, value: true },
        { at: '23:00', value: false },
      ],
    },
  },
};

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  gateway = await enrol('gw-checked', withHeating());
  await gateway.connect();
});

afterAll(async () => {
  await central.close();
});

const command = (body: Record<string, unknown>, gatewayId = 'gw-checked') =>
  central.api(agent, 'POST', `/api/gateways/${gatewayId}/commands`, body);
const putSchedule = (id: string, body: Record<string, unknown>) =>
  central.api(agent, 'PUT', `/api/gateways/gw-checked/schedules/${id}`, body);
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/** A 400 whose problems name `path` with a message matching `message`. */
function expectRefused(answer: { status: number; body: any }, path: string, message: RegExp): void {
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'INVALID_REQUEST' });
  expect(answer.body.problems).toContainEqual({ path, message: expect.stringMatching(message) as string });
}

describe('commands checked against the catalogue', () => {
  it('accepts a command the gateway can run', async () => {
    const answer = await command({ action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true });
    expect(answer).toMatchObject({ status: 202, body: { status: expect.stringMatching(/queued|sent/) } });
  });

  it.each([
    [
      'an unknown equipment',
      { action: 'switch', pointKey: 'armoire:circuit.1.command', value: true },
      'pointKey',
      /has no equipment "armoire" \(its equipment: cabinet, bells, heating\)/,
    ],
    [
      'an unknown point',
      { action: 'switch', pointKey: 'cabinet:circuit.9.command', value: true },
      'pointKey',
      /equipment "cabinet" of gateway gw-checked has no point "circuit.9.command"/,
    ],
    [
      'a point that cannot be written',
      { action: 'switch', pointKey: 'cabinet:circuit.1.feedback', value: true },
      'pointKey',
      /is a feedback point: it cannot be written/,
    ],
    [
      'a number for an on/off output',
      { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: 1 },
      'value',
      /takes true or false, got 1/,
    ],
    [
      'text for a level',
      { action: 'switch', pointKey: 'cabinet:circuit.1.level', value: 'high' },
      'value',
      /takes a number \(uint16\), got "high"/,
    ],
    [
      'a level outside its range',
      { action: 'switch', pointKey: 'cabinet:circuit.1.level', value: 70_000 },
      'value',
      /takes 0\.\.65535 %, got 70000/,
    ],
    [
      'a value that is none of the named states',
      { action: 'switch', pointKey: 'heating:zone.1.mode', value: 5 },
      'value',
      /takes one of 0 \(frost\), 1 \(eco\), 2 \(comfort\), got 5/,
    ],
    [
      'an override ending in the past',
      { action: 'override-until', pointKey: 'cabinet:circuit.1.command', value: true, until: inHours(-1) },
      'until',
      /is in the past/,
    ],
    [
      'an override ending beyond its horizon',
      { action: 'override-until', pointKey: 'cabinet:circuit.1.command', value: true, until: inHours(32 * 24) },
      'until',
      /is too far ahead/,
    ],
    [
      'a deadline in the past',
      { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true, notAfter: inHours(-1) },
      'notAfter',
      /is in the past/,
    ],
    [
      'a deadline beyond 24 h',
      { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true, notAfter: inHours(25) },
      'notAfter',
      /is too far ahead: at most .* \(24 h from now\)/,
    ],
  ])('refuses %s with a 400 naming the field', async (_case, body, path, message) => {
    expectRefused(await command(body), path, message);
  });

  it('names the points of commands, switchings and outputs, not only their keys', async () => {
    const at = new Date().toISOString();
    gateway.append({
      class: 'switching',
      payload: { pointKey: 'cabinet:circuit.1.command', value: true, source: 'command:x', result: 'applied', at },
    });
    gateway.flush();
    await gateway.drained();
    const point = { name: 'Départ 1 — commande contacteur', unit: null, equipmentName: 'Armoire' };
    const [switching] = (await central.api(agent, 'GET', '/api/gateways/gw-checked/switchings')).body;
    expect(switching).toMatchObject({ pointKey: 'cabinet:circuit.1.command', point });
    const commands = (await central.api(agent, 'GET', '/api/gateways/gw-checked/commands')).body;
    expect(commands[0]).toMatchObject({ pointKey: 'cabinet:circuit.1.command', point });
  });

  it('answers 409 for a gateway that has not reported its catalogue, rather than guessing', async () => {
    await enrol('gw-never-connected', undefined);
    const answer = await command(
      { action: 'switch', pointKey: 'cabinet:circuit.1.command', value: true },
      'gw-never-connected',
    );
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 409, code: 'CONFLICT' });
    expect(answer.body.message).toMatch(/gw-never-connected has not reported its equipment yet/);
  });
});

describe('schedules checked against the catalogue', () => {
  it('accepts a schedule on outputs the gateway has', async () => {
    const answer = await putSchedule('eclairage-1', {
      kind: 'lighting',
      outputs: ['cabinet:circuit.1.command'],
      schedule: LIGHTING,
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    [
      'outputs the gateway lacks',
      { kind: 'lighting', outputs: ['cabinet:circuit.2.command', 'cabinet:circuit.9.command'], schedule: LIGHTING },
      'outputs[1]',
      /has no point "circuit.9.command"/,
    ],
    [
      'an output that cannot be driven',
      { kind: 'lighting', outputs: ['cabinet:circuit.2.feedback'], schedule: LIGHTING },
      'outputs[0]',
      /is a feedback point: a schedule cannot drive it/,
    ],
    [
      'a heating zone the gateway lacks',
      { kind: 'heating', zones: ['heating:zone.3'], schedule: HEATING },
      'zones[0]',
      /has no heating zone heating:zone\.3/,
    ],
    [
      'bells on an equipment the gateway lacks',
      { kind: 'bells', equipment: 'clocher', schedule: BELLS },
      'equipment',
      /has no equipment "clocher"/,
    ],
    [
      "an output central's other schedule drives in the same slot",
      { kind: 'lighting', outputs: ['cabinet:circuit.1.command'], schedule: LIGHTING },
      'outputs[0]',
      /already driven in slot calendar by schedule "eclairage-1" \(central\)/,
    ],
    [
      "an output a schedule of the gateway's config drives in the same slot",
      { kind: 'lighting', outputs: ['cabinet:circuit.4.command'], schedule: LIGHTING },
      'outputs[0]',
      /already driven in slot calendar by schedule "eclairage" \(config\)/,
    ],
  ])('refuses %s with a 400 naming the field', async (_case, body, path, message) => {
    expectRefused(await putSchedule('eclairage-2', body), path, message);
  });

  it('accepts the same output in another slot, and a schedule replacing itself', async () => {
    const baseline = { kind: 'lighting', slot: 'baseline', outputs: ['cabinet:circuit.1.command'], schedule: LIGHTING };
    expect((await putSchedule('eclairage-syndicat', baseline)).status).toBe(200);
    const again = { kind: 'lighting', outputs: ['cabinet:circuit.1.command', 'cabinet:circuit.2.command'] };
    expect((await putSchedule('eclairage-1', { ...again, schedule: LIGHTING })).status).toBe(200);
  });
});
