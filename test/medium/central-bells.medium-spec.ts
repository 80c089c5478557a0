import { join, resolve } from 'node:path';
import { bellEventAnswer, bellSchedules } from '@beffroi/api';
import { parseBellSchedule } from '@beffroi/schedule';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * The bells of a gateway for the console (issue 11, item 2): the bell schedules it runs with their sequences by
 * name, and one-off rings put in its desired state, each refusal a 400 naming the field.
 */

const CONFIG = resolve(__dirname, '..', '..', 'config');
const GATEWAY_ID = 'gw-bells';
const SHIPPED_BELLS = parseBellSchedule(
  parse(readFileSync(join(CONFIG, 'schedules', 'cloches-basilique.yaml'), 'utf8')),
  'cloches-basilique.yaml',
);

let central: CentralHarness;
let admin: string;
let agent: string;
let reader: string;
let gateway: ProtocolGateway;

/** A gateway reduced to its protocol that reports the shipped config's catalogue (its schedules) and sites. */
async function shippedGateway(): Promise<ProtocolGateway> {
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: GATEWAY_ID }))
    .body as { credential: string };
  const loaded = loadGatewayConfig(join(CONFIG, 'gateway.yaml'));
  const connected = new ProtocolGateway(GATEWAY_ID, credential, central.wsUrl);
  connected.catalogue = buildCatalogue(
    loaded.config.buses.flatMap((bus) => bus.equipment),
    loaded.profiles,
    loaded.schedules,
  );
  await connected.connect();
  connected.append({
    class: 'health',
    payload: {
      at: new Date().toISOString(),
      equipment: {},
      outbox: { telemetry: 0, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
      sites: loaded.config.sites,
    },
  });
  connected.flush();
  await connected.drained();
  return connected;
}

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  reader = await central.login('lecteur@02691');
  gateway = await shippedGateway();
});

afterAll(async () => {
  gateway.close();
  await central.close();
});

/** The local date `days` from now in Paris, `YYYY-MM-DD`. */
function parisDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

const addEvent = (body: Record<string, unknown>, token = agent, scheduleId = 'cloches-basilique') =>
  central.api(token, 'POST', `/api/gateways/${GATEWAY_ID}/bells/${scheduleId}/events`, body);

describe('GET /api/gateways/:id/bells', () => {
  it('gives the bell schedules the gateway runs: sequences by name, daily rings, events, the site time zone', async () => {
    const { status, body } = await central.api(reader, 'GET', `/api/gateways/${GATEWAY_ID}/bells`);
    expect(status).toBe(200);
    const { schedules } = bellSchedules.parse(body);
    expect(schedules.map((s) => [s.id, s.equipment, s.site, s.timeZone, s.source])).toEqual([
      ['cloches-basilique', 'bells-basilique', 'basilique', 'Europe/Paris', 'config'],
    ]);
    const [bells] = schedules;
    expect(bells?.sequences).toEqual(
      expect.arrayContaining([
        { id: 'angelus', name: 'Angélus' },
        { id: 'heures', name: 'Heure frappée' },
        { id: 'glas', name: 'Glas' },
        { id: 'tocsin', name: 'Tocsin' },
        { id: 'mariage', name: 'Volée de mariage' },
        { id: 'bapteme', name: 'Volée de baptême' },
      ]),
    );
    expect(bells?.programmes.ordinaire?.rings[0]).toEqual({ at: '07:00', sequence: 'angelus' });
    expect(bells?.programmes.ordinaire?.rings[1]).toEqual({
      every: 60,
      from: '08:00',
      to: '11:00',
      sequence: 'heures',
    });
    expect(bells?.events).toEqual([
      { date: '2027-06-12', at: '15:30', sequence: 'mariage', name: 'Mariage Martin–Dubois' },
    ]);
  });

  it('answers 404 for an unknown gateway', async () => {
    expect((await central.api(agent, 'GET', '/api/gateways/gw-nowhere/bells')).status).toBe(404);
  });
});

describe('POST /api/gateways/:id/bells/:scheduleId/events', () => {
  it('puts the schedule with the event added in the desired state, nothing else of it changed', async () => {
    const date = parisDate(3);
    const answer = await addEvent({ date, at: '10:30', sequence: 'glas', name: 'Obsèques de M. Leroy' });
    expect(answer.status).toBe(202);
    const event = bellEventAnswer.parse(answer.body);
    expect(event).toMatchObject({
      gatewayId: GATEWAY_ID,
      scheduleId: 'cloches-basilique',
      event: { date, at: '10:30', sequence: 'glas', name: 'Obsèques de M. Leroy' },
      ringsAt: expect.stringMatching(new RegExp(`^${date}T10:30:00\\+0[12]:00$`)) as string,
    });

    const desired = (await central.api(agent, 'GET', `/api/gateways/${GATEWAY_ID}/desired`)).body as {
      desired: { schedules: Record<string, { kind: string; equipment: string; site: string; schedule: unknown }> };
    };
    const item = desired.desired.schedules['cloches-basilique'];
    expect([item?.kind, item?.equipment, item?.site]).toEqual(['bells', 'bells-basilique', undefined]);
    const put = parseBellSchedule(item?.schedule, 'desired');
    expect({ ...put, events: put.events.slice(0, 1) }).toEqual(SHIPPED_BELLS);
    expect(put.events[1]).toEqual({
      date: expect.objectContaining({ day: Number(date.slice(8)) }) as object,
      at: { hour: 10, minute: 30 },
      sequence: 'glas',
      name: 'Obsèques de M. Leroy',
    });

    const listed = bellSchedules.parse((await central.api(agent, 'GET', `/api/gateways/${GATEWAY_ID}/bells`)).body);
    expect(listed.schedules.map((s) => [s.id, s.source, s.events.length])).toEqual([
      ['cloches-basilique', 'central', 2],
    ]);
    const audit = (await central.api(admin, 'GET', '/api/audit?limit=5')).body as { action: string; target: string }[];
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'schedule.set', target: `${GATEWAY_ID}/cloches-basilique` }),
    );
  });

  it.each([
    [
      'an unknown sequence',
      { date: parisDate(2), at: '11:00', sequence: 'carillon' },
      'sequence',
      /no ring sequence "carillon" in cloches-basilique \(its sequences: angelus, heures, mariage, bapteme, glas, tocsin\)/,
    ],
    ['a time in the past', { date: parisDate(-1), at: '11:00', sequence: 'glas' }, 'at', /is in the past/],
    [
      'a date too far ahead',
      { date: parisDate(400), at: '11:00', sequence: 'glas' },
      'date',
      /too far ahead: at most 366 days/,
    ],
    ['a malformed time', { date: parisDate(2), at: '25:00', sequence: 'glas' }, 'at', /expected a time "HH:MM"/],
    ['a malformed date', { date: '12/06/2027', at: '11:00', sequence: 'glas' }, 'date', /expected a date "YYYY-MM-DD"/],
    ['an unknown field', { date: parisDate(2), at: '11:00', sequence: 'glas', bell: 2 }, '', /bell/],
  ])('refuses %s with a 400 naming the field', async (_, body, path, message) => {
    const answer = await addEvent(body);
    expect({ status: answer.status, code: (answer.body as { code: string }).code }).toEqual({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect((answer.body as { problems: unknown[] }).problems).toContainEqual({
      path,
      message: expect.stringMatching(message) as string,
    });
  });

  it('answers 404 for a bell schedule the gateway does not run, and 403 for a read-only account', async () => {
    const unknown = await addEvent({ date: parisDate(2), at: '11:00', sequence: 'glas' }, agent, 'cloches-eglise');
    expect(unknown).toMatchObject({
      status: 404,
      body: {
        message: `gateway ${GATEWAY_ID} runs no bell schedule cloches-eglise (its bell schedules: cloches-basilique)`,
      },
    });
    const denied = await addEvent({ date: parisDate(2), at: '11:00', sequence: 'glas' }, reader);
    expect(denied.status).toBe(403);
  });
});
