import { drainRate, type OutboxMessage } from '@beffroi/sync';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

let central: CentralHarness;
let admin: string;

/** Enrols a gateway; returns its credential. */
async function enrol(gatewayId: string): Promise<string> {
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  return credential;
}

function switching(at: number, source = 'schedule:eclairage'): OutboxMessage {
  return {
    class: 'switching',
    payload: {
      pointKey: 'cabinet:circuit.1.command',
      value: at % 2 === 0,
      slot: 12,
      source,
      result: 'applied',
      at: new Date(Date.UTC(2027, 0, 1) + at * 60_000).toISOString(),
    },
  };
}

async function switchingSources(gatewayId: string): Promise<string[]> {
  const { body } = await central.api(admin, 'GET', `/api/gateways/${gatewayId}/switchings?limit=1000`);
  return (body as { source: string }[]).map((s) => s.source).reverse();
}

async function queuedCommand(gatewayId: string): Promise<string> {
  const { body } = await central.api(admin, 'POST', `/api/gateways/${gatewayId}/commands`, {
    action: 'switch',
    pointKey: 'cabinet:circuit.1.command',
    value: true,
  });
  return (body as { id: string }).id;
}

beforeEach(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
});

afterEach(async () => {
  await central.close();
});

describe('a gateway whose outbox restarts never wedges central', () => {
  it('stores the reports of a gateway whose SQLite was wiped (seqs restart at 1) after those of its first store', async () => {
    const credential = await enrol('gw-wiped');
    const first = new ProtocolGateway('gw-wiped', credential, central.wsUrl);
    await first.connect();
    for (let i = 0; i < 5; i++) first.append(switching(i, `first:${i}`));
    first.flush();
    await first.drained();
    first.close();
    await first.waitFor('the connection closed by central', () => first.closeCode !== undefined);

    // Same credential, new SQLite: its outbox starts again at seq 1, its seqs overlap those already stored.
    const wiped = new ProtocolGateway('gw-wiped', credential, central.wsUrl);
    wiped.onCommand = () => undefined;
    await wiped.connect();
    for (let i = 0; i < 3; i++) wiped.append(switching(10 + i, `wiped:${i}`));
    wiped.flush();
    await wiped.drained();
    const id = await queuedCommand('gw-wiped');
    await wiped.waitFor(`command ${id}`, () => wiped.received.some((m) => m.type === 'command' && m.id === id));
    wiped.append({
      class: 'commandResult',
      payload: { commandId: id, status: 'applied', at: new Date().toISOString() },
    });
    wiped.flush();
    await wiped.drained();

    expect(await switchingSources('gw-wiped')).toEqual([
      'first:0',
      'first:1',
      'first:2',
      'first:3',
      'first:4',
      'wiped:0',
      'wiped:1',
      'wiped:2',
    ]);
    expect((await central.api(admin, 'GET', `/api/commands/${id}`)).body).toMatchObject({ status: 'applied' });
    expect(wiped.closeCode).toBeUndefined();
    wiped.close();
  });

  it('never drops new messages whose seqs an earlier store of the gateway already used', async () => {
    const credential = await enrol('gw-restored');
    const first = new ProtocolGateway('gw-restored', credential, central.wsUrl);
    await first.connect();
    for (let i = 0; i < 3; i++) first.append(switching(i, `first:${i}`));
    first.flush();
    await first.drained();
    first.close();
    await first.waitFor('the connection closed by central', () => first.closeCode !== undefined);

    // The new store recorded more while offline than central ever got from the first one: its range gives no hint.
    const wiped = new ProtocolGateway('gw-restored', credential, central.wsUrl);
    for (let i = 0; i < 6; i++) wiped.append(switching(10 + i, `wiped:${i}`));
    await wiped.connect();
    wiped.flush();
    await wiped.drained();

    expect(await switchingSources('gw-restored')).toEqual([
      'first:0',
      'first:1',
      'first:2',
      'wiped:0',
      'wiped:1',
      'wiped:2',
      'wiped:3',
      'wiped:4',
      'wiped:5',
    ]);
    wiped.close();
  });

  it('applies what it held ahead of a gap when the store that would fill the gap is gone', async () => {
    const credential = await enrol('gw-held');
    const first = new ProtocolGateway('gw-held', credential, central.wsUrl);
    await first.connect();
    for (let i = 0; i < 4; i++) first.append(switching(i, `first:${i}`));
    const batch = first.outbox.nextBatch(10, drainRate(1e9, 1e9, new Date()), new Date());
    const report = batch.report;
    if (report === undefined) throw new Error('nothing to send');
    // Seq 1 is lost on the way; 2..4 are held (and acknowledged) while central waits for it.
    first.send({ ...report, messages: report.messages.slice(1), after: 1 });
    await first.waitFor('an outbox of exactly 1', () => first.outbox.size === 1);
    first.cut();
    await first.waitFor('the connection closed by central', () => first.closeCode !== undefined);

    const wiped = new ProtocolGateway('gw-held', credential, central.wsUrl);
    wiped.append(switching(10, 'wiped:0'));
    await wiped.connect();
    wiped.flush();
    await wiped.drained();

    expect(await switchingSources('gw-held')).toEqual(['first:1', 'first:2', 'first:3', 'wiped:0']);
    wiped.close();
  });
});
