import { outputEvent, switchingEvent } from '@beffroi/api';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/** Reads Server-Sent Events from a stream until `enough` says so; each as `{type, data}`. */
async function readEvents(
  stream: ReadableStream<Uint8Array>,
  enough: (events: { type: string; data: unknown }[]) => boolean,
): Promise<{ type: string; data: unknown }[]> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: { type: string; data: unknown }[] = [];
  let text = '';
  while (!enough(events)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const block of blocks) {
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (type !== undefined && data !== undefined) events.push({ type, data: JSON.parse(data) as unknown });
    }
  }
  await reader.cancel();
  return events;
}

describe("central's output and switching events carry what the output page shows", () => {
  let central: CentralHarness;
  let gateway: ProtocolGateway;

  beforeAll(async () => {
    central = await startCentral();
    const admin = await central.login('admin@useda');
    const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as {
      code: string;
    };
    const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: 'gw-events' }))
      .body as { credential: string };
    gateway = new ProtocolGateway('gw-events', credential, central.wsUrl);
    await gateway.connect();
  });

  afterAll(async () => {
    gateway.close();
    await central.close();
  });

  it('sends the whole explanation on output, and the switching with its seq, as the contract says', async () => {
    const agent = await central.login('agent@02691');
    const response = await fetch(`${central.url}/api/events`, { headers: { authorization: `Bearer ${agent}` } });
    expect(response.status).toBe(200);
    const at = '2026-12-03T17:00:00.000Z';
    gateway.append({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.3.command',
        value: true,
        slot: 10,
        source: 'command:c-1',
        result: 'applied',
        at,
      },
    });
    gateway.append({
      class: 'output',
      payload: {
        pointKey: 'cabinet:circuit.3.command',
        value: true,
        winner: { slot: 10, name: 'manual', owner: 'command:c-1', until: 'next-transition', expiresAt: at },
        underneath: [{ slot: 14, name: 'schedule', owner: 'schedule:eclairage', value: false }],
        at,
      },
    });
    gateway.flush();
    const events = await readEvents(response.body as ReadableStream<Uint8Array>, (seen) =>
      ['switching', 'output'].every((type) => seen.some((event) => event.type === type)),
    );
    const switching = switchingEvent.parse(events.find((event) => event.type === 'switching')?.data);
    const stored = (await central.api(agent, 'GET', '/api/gateways/gw-events/switchings?limit=1')).body as {
      seq: number;
    }[];
    expect({ seq: switching.seq, source: switching.source }).toEqual({ seq: stored[0]?.seq, source: 'command:c-1' });
    expect(outputEvent.parse(events.find((event) => event.type === 'output')?.data)).toMatchObject({
      gatewayId: 'gw-events',
      pointKey: 'cabinet:circuit.3.command',
      value: true,
      winner: { slot: 10, name: 'manual', until: 'next-transition', expiresAt: at },
      underneath: [{ slot: 14, value: false }],
    });
  });
});
