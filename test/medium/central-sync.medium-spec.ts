import type { OutboxMessage } from '@beffroi/sync';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

let central: CentralHarness;
let admin: string;

async function enrol(gatewayId: string, insee = '02691'): Promise<ProtocolGateway> {
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  return new ProtocolGateway(gatewayId, credential, central.wsUrl);
}

function switching(i: number): OutboxMessage {
  return {
    class: 'switching',
    payload: {
      pointKey: `cabinet:circuit.${(i % 4) + 1}.command`,
      value: i % 2 === 0,
      slot: 12,
      source: 'schedule:eclairage',
      result: 'applied',
      at: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(),
    },
  };
}

async function switchings(gatewayId: string): Promise<{ seq: number; at: string }[]> {
  const { body } = await central.api(admin, 'GET', `/api/gateways/${gatewayId}/switchings?limit=1000`);
  return (body as { seq: number; at: string }[]).reverse();
}

beforeEach(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
});

afterEach(async () => {
  await central.close();
});

describe('reported messages reach central exactly once, in order', () => {
  it('stores a backlog sent while offline once, in seq order, and acknowledges it all', async () => {
    const gateway = await enrol('gw-backlog');
    for (let i = 0; i < 300; i++) gateway.append(switching(i));
    await gateway.connect();
    gateway.flush();
    await gateway.drained();
    const stored = await switchings('gw-backlog');
    expect(stored.map((s) => s.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    gateway.close();
  });

  it('ends in the same state with duplicated and reordered deliveries as with a clean run', async () => {
    const clean = await enrol('gw-clean');
    const noisy = await enrol('gw-noisy');
    noisy.duplicateAndReorder = true;
    for (const gateway of [clean, noisy]) {
      await gateway.connect();
      for (let i = 0; i < 120; i++) {
        gateway.append(switching(i));
        if (i % 7 === 0) gateway.flush();
      }
      gateway.flush();
      await gateway.drained();
    }
    // The noisy gateway also reconnects and resends everything it has not seen acknowledged.
    const strip = (list: { seq: number; at: string }[]) => list.map(({ seq, at }) => ({ seq, at }));
    expect(strip(await switchings('gw-noisy'))).toEqual(strip(await switchings('gw-clean')));
    clean.close();
    noisy.close();
  });

  it('loses nothing and duplicates nothing when central stops in the middle of a drain', async () => {
    const gateway = await enrol('gw-restart');
    await gateway.connect();
    for (let i = 0; i < 1000; i++) gateway.append(switching(i));
    gateway.flush();
    await gateway.waitFor('an outbox of fewer than 1000', () => gateway.outbox.size < 1000);
    const dir = central.dir;
    await central.stop();
    central = await startCentral({ dir });
    admin = await central.login('admin@useda');
    gateway.outbox.rewind();
    (gateway as unknown as { wsUrl: string }).wsUrl = central.wsUrl;
    await gateway.connect();
    gateway.flush();
    await gateway.drained(20_000);
    expect((await switchings('gw-restart')).map((s) => s.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    gateway.close();
  });
});

describe('commands: queued → sent → applied | failed | expired', () => {
  it('delivers a command to a connected gateway and records its result', async () => {
    const gateway = await enrol('gw-online');
    await gateway.connect();
    const { status, body } = await central.api(admin, 'POST', '/api/gateways/gw-online/commands', {
      action: 'override-until',
      pointKey: 'cabinet:circuit.1.command',
      value: true,
      until: '2027-01-01T01:00:00Z',
    });
    expect(status).toBe(202);
    const id = (body as { id: string }).id;
    await gateway.waitFor(`command ${id}`, () => gateway.received.some((m) => m.type === 'command' && m.id === id));
    await gateway.drained();
    expect((await central.api(admin, 'GET', `/api/commands/${id}`)).body).toMatchObject({
      status: 'applied',
      action: 'override-until',
      attempts: 1,
    });
    const audit = (await central.api(admin, 'GET', '/api/audit?commune=02691')).body as {
      action: string;
      result: string;
    }[];
    expect(audit.slice(0, 2).map((a) => [a.action, a.result])).toEqual([
      ['command.result', 'applied'],
      ['command.override-until', 'queued'],
    ]);
    gateway.close();
  });

  it('expires a command whose deadline passes while the gateway is offline, without sending it', async () => {
    const gateway = await enrol('gw-offline');
    // Connected once, so central knows its catalogue and accepts commands for it while it is offline.
    await gateway.connect();
    gateway.close();
    await gateway.waitFor('the connection closed by central', () => gateway.closeCode !== undefined);
    gateway.received.length = 0;
    const { body } = await central.api(admin, 'POST', '/api/gateways/gw-offline/commands', {
      action: 'switch',
      pointKey: 'cabinet:circuit.1.command',
      value: true,
      notAfter: new Date(Date.now() + 60_000).toISOString(),
    });
    central.clock.offsetMs = 120_000;
    await gateway.connect();
    const id = (body as { id: string }).id;
    await gateway.waitFor('an ack', () => gateway.received.some((m) => m.type === 'ack'));
    expect(gateway.received.some((m) => m.type === 'command')).toBe(false);
    expect((await central.api(admin, 'GET', `/api/commands/${id}`)).body).toMatchObject({
      status: 'expired',
      attempts: 0,
    });
    gateway.close();
  });

  it('resends a sent command after a reconnection until the gateway answers, and keeps the first answer', async () => {
    const gateway = await enrol('gw-flaky');
    gateway.onCommand = () => undefined;
    await gateway.connect();
    const { body } = await central.api(admin, 'POST', '/api/gateways/gw-flaky/commands', {
      action: 'switch',
      pointKey: 'cabinet:circuit.2.command',
      value: false,
    });
    const id = (body as { id: string }).id;
    await gateway.waitFor('a command', () => gateway.received.some((m) => m.type === 'command'));
    gateway.cut();
    await gateway.waitFor('the connection closed by central', () => gateway.closeCode !== undefined);
    gateway.onCommand = (command) => ({
      commandId: command.id,
      status: 'failed',
      reason: 'feedback mismatch',
      at: new Date().toISOString(),
    });
    await gateway.connect();
    await gateway.waitFor('two commands', () => gateway.received.filter((m) => m.type === 'command').length === 2);
    await gateway.drained();
    gateway.append({
      class: 'commandResult',
      payload: { commandId: id, status: 'applied', at: new Date().toISOString() },
    });
    gateway.flush();
    await gateway.drained();
    expect((await central.api(admin, 'GET', `/api/commands/${id}`)).body).toMatchObject({
      status: 'failed',
      reason: 'feedback mismatch',
      attempts: 2,
    });
    gateway.close();
  });
});

describe('desired state and template pushes', () => {
  const template = {
    kind: 'lighting',
    outputs: ['cabinet:circuit.1.command'],
    schedule: {
      calendar: { defaultProgrammeId: 'nuit', rules: [] },
      programmes: {
        nuit: {
          points: [
            { sun: 'sunset', offsetMinutes: 15, value: true },
            { at: '23:00', value: false },
          ],
        },
      },
    },
  };

  it('pushes a template to many communes and shows per-commune progress', async () => {
    const online = await enrol('gw-a', '02691');
    const offline = await enrol('gw-b', '02408');
    await online.connect();
    const { status, body } = await central.api(admin, 'POST', '/api/templates/push', {
      scheduleId: 'eclairage-syndical',
      item: template,
      communes: ['02691', '02408'],
    });
    expect(status).toBe(202);
    const id = (body as { id: string }).id;
    await online.waitFor(
      'the desired schedule eclairage-syndical',
      () => online.desired.desired.schedules['eclairage-syndical'] !== undefined,
    );
    const progress = async () =>
      (await central.api(admin, 'GET', `/api/pushes/${id}`)).body as { summary: { applied: number } };
    for (let i = 0; i < 100 && (await progress()).summary.applied < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await progress()).toMatchObject({
      summary: { applied: 1, offline: 1, pending: 0, 'no-gateway': 0 },
      targets: expect.arrayContaining([
        expect.objectContaining({ gatewayId: 'gw-a', status: 'applied' }),
        expect.objectContaining({ gatewayId: 'gw-b', status: 'offline' }),
      ]),
    });
    // The offline gateway gets it on connection, then a later change, each as a delta on top of what it has.
    await offline.connect();
    await offline.waitFor('desired version 1', () => offline.desired.version === 1);
    await central.api(admin, 'DELETE', '/api/gateways/gw-b/schedules/eclairage-syndical');
    await offline.waitFor('desired version 2', () => offline.desired.version === 2);
    expect(offline.desired.desired.schedules).toEqual({});
    expect(offline.received.filter((m) => m.type.startsWith('desired.')).map((m) => m.type)).toEqual([
      'desired.delta',
      'desired.delta',
    ]);
    online.close();
    offline.close();
  });

  it('refuses a schedule whose document is invalid, naming the field, and a push by commune staff', async () => {
    const bad = {
      ...template,
      schedule: { ...template.schedule, programmes: { nuit: { points: [{ at: '25:00', value: true }] } } },
    };
    const { status, body } = await central.api(admin, 'PUT', '/api/gateways/none/schedules/x', bad);
    expect(status).toBe(400);
    expect((body as { problems: { path: string }[] }).problems[0]?.path).toMatch(
      /^schedule\.programmes\.nuit\.points\[0\]/,
    );
    const agent = await central.login('agent@02691');
    expect(
      (
        await central.api(agent, 'POST', '/api/templates/push', {
          scheduleId: 'x',
          item: template,
          communes: ['02691'],
        })
      ).status,
    ).toBe(403);
  });
});

describe('live state', () => {
  it('shows values, the explanation of an output, alarms and presence as reported', async () => {
    const gateway = await enrol('gw-live');
    await gateway.connect();
    const at = new Date().toISOString();
    gateway.append({
      class: 'telemetry',
      payload: { pointKey: 'cabinet:circuit.1.feedback', value: true, quality: { status: 'good' }, receivedAt: at },
    });
    gateway.append({
      class: 'output',
      payload: {
        pointKey: 'cabinet:circuit.1.command',
        value: true,
        winner: { slot: 10, name: 'manual', owner: 'command:abc', expiresAt: '2027-01-01T01:00:00.000Z' },
        underneath: [{ slot: 12, name: 'calendar', owner: 'schedule:eclairage', value: false }],
        at,
      },
    });
    gateway.append({
      class: 'alarm',
      payload: { key: 'cabinet:door.open', state: 'raised', severity: 'warning', message: 'door open', at },
    });
    gateway.flush();
    await gateway.drained();
    expect((await central.api(admin, 'GET', '/api/gateways/gw-live')).body).toMatchObject({ online: true });
    expect((await central.api(admin, 'GET', '/api/gateways/gw-live/points')).body).toEqual([
      { id: 'cabinet', points: [expect.objectContaining({ key: 'cabinet:circuit.1.feedback', value: true })] },
    ]);
    expect(
      (await central.api(admin, 'GET', '/api/gateways/gw-live/outputs/cabinet:circuit.1.command')).body,
    ).toMatchObject({
      value: true,
      winner: { slot: 10, owner: 'command:abc' },
      underneath: [{ slot: 12 }],
    });
    const [alarm] = (await central.api(admin, 'GET', '/api/alarms')).body as { id: number }[];
    expect(alarm).toMatchObject({ key: 'cabinet:door.open', state: 'open', acknowledgedAt: null });
    expect((await central.api(admin, 'POST', `/api/alarms/${alarm?.id ?? 0}/acknowledge`)).body).toMatchObject({
      acknowledgedBy: 'admin@useda',
    });
    gateway.append({
      class: 'alarm',
      payload: { key: 'cabinet:door.open', state: 'cleared', severity: 'warning', message: 'door closed', at },
    });
    gateway.flush();
    await gateway.drained();
    expect((await central.api(admin, 'GET', '/api/alarms')).body).toEqual([]);
    gateway.close();
    await gateway.waitFor('the connection closed by central', () => gateway.closeCode !== undefined);
    for (let i = 0; i < 50 && (await central.api(admin, 'GET', '/api/gateways/gw-live')).body.online; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await central.api(admin, 'GET', '/api/gateways/gw-live')).body).toMatchObject({ online: false });
  });
});
