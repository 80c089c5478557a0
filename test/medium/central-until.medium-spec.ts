import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway, simulatorCatalogue } from '../support/protocol-gateway';

/**
 * "Switch now" through central: the until forms are checked with a 400 naming the field, and the command carried to
 * the gateway (and recorded) says which form was asked — `next-transition` when none was.
 */

let central: CentralHarness;
let agent: string;
let gateway: ProtocolGateway;
const HOUR = 3_600_000;

beforeAll(async () => {
  central = await startCentral();
  const admin = await central.login('admin@useda');
  agent = await central.login('agent@02691');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-until' }))
    .body as { credential: string };
  gateway = new ProtocolGateway('gw-until', credential, central.wsUrl);
  gateway.catalogue = simulatorCatalogue();
  await gateway.connect();
});

afterAll(async () => {
  await central.close();
});

const KEY = 'cabinet:circuit.1.command';
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const command = (body: Record<string, unknown>) =>
  central.api(agent, 'POST', '/api/gateways/gw-until/commands', {
    action: 'switch',
    pointKey: KEY,
    value: true,
    ...body,
  });

describe('switch until, through central', () => {
  it.each([
    ['by default, until the next programme change', {}, { until: 'next-transition' }],
    ['until a local time', { until: '02:00' }, { until: '02:00' }],
    ['until sunrise', { until: 'sunrise' }, { until: 'sunrise' }],
    ['for good, asked explicitly', { permanent: true }, { permanent: true }],
  ])('accepts a switch %s and records the form asked', async (_case, body, recorded) => {
    const answer = await command(body);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ action: 'switch', ...recorded });
  });

  it('accepts an instant within commands.maxUntil', async () => {
    const at = inHours(3);
    expect((await command({ until: at })).body).toMatchObject({ until: at });
  });

  it.each([
    ['an unknown form', { until: 'demain' }, 'until', /"demain" is no until form: expected "next-transition"/],
    ['a time that is not HH:MM', { until: '25:00' }, 'until', /"25:00" is not a local time HH:MM/],
    ['an instant in the past', { until: inHours(-1) }, 'until', /is in the past/],
    ['an instant beyond the horizon', { until: inHours(32 * 24) }, 'until', /is too far ahead/],
    ['both until and permanent', { until: '02:00', permanent: true }, 'permanent', /either until or permanent/],
    ['permanent other than true', { permanent: false }, 'permanent', /expected true/],
  ])('refuses %s with a 400 naming the field', async (_case, body, path, message) => {
    const answer = await command(body);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'INVALID_REQUEST' });
    expect(answer.body.problems).toContainEqual({ path, message: expect.stringMatching(message) as string });
  });

  it('records the end the gateway resolved, from its result', async () => {
    const endsAt = inHours(5);
    gateway.onCommand = (message) => ({
      commandId: message.id,
      status: 'applied',
      at: new Date().toISOString(),
      until: { form: 'next-transition', at: endsAt },
    });
    const { id } = (await command({})).body as { id: string };
    await gateway.waitFor(`command ${id}`, () => gateway.received.some((m) => m.type === 'command' && m.id === id));
    await gateway.drained();
    const recorded = await central.api(agent, 'GET', `/api/commands/${id}`);
    expect(recorded.body).toMatchObject({ status: 'applied', until: 'next-transition', endsAt });
  });
});
