import { type ModbusBoundPoint, planReads } from '@beffroi/fieldbus';
import { SystemClock } from '@beffroi/runtime';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

let sim: SimulatorHarness;
let gw: GatewayHarness;

const CMD = 'cab-1:circuit.1.command';

function bus(port: number, extra: Record<string, unknown> = {}) {
  return {
    id: 'street',
    protocol: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    timeout: '200ms',
    verifyTimeout: '1s',
    reconnectMin: '20ms',
    reconnectMax: '200ms',
    probeMin: '100ms',
    probeMax: '500ms',
    equipment: [
      { id: 'cab-1', profile: 'beffroi-sim-cabinet', unit: 1 },
      { id: 'cab-2', profile: 'beffroi-sim-cabinet', unit: 2 },
    ],
    ...extra,
  };
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [
            { id: 'cab-1', kind: 'lighting-cabinet', unit: 1, feedbackDelay: '50ms' },
            { id: 'cab-2', kind: 'lighting-cabinet', unit: 2, feedbackDelay: '50ms' },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  // Local writes to outputs are arbitrated like any command: no minimum on/off time here, so each switches at once.
  gw = await startGateway([bus(sim.ports.street!)], undefined, { config: { control: { minimumOnOff: '0s' } } });
  await waitFor(
    'GET /points: r.body.every((p: { quality: { status: string } }) => p.quality.status === "good")',
    () => api(gw.url, 'GET', '/points'),
    (r) => r.body.every((p: { quality: { status: string } }) => p.quality.status === 'good'),
  );
});

afterEach(async () => {
  await control(sim, 'DELETE', '/devices/cab-1/fault');
  await control(sim, 'POST', '/devices/cab-1/inputs', { selector: 'auto' });
  // A fault may have left a unit offline (a write to it would fail at once): the next test starts once the bus
  // serves every unit again.
  const driver = gw.field.drivers.get('street')!;
  await waitFor(
    'every unit of the bus back online after the test',
    () => Promise.resolve(driver.health().offline),
    (offline) => offline.length === 0,
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

describe('the gateway over Modbus TCP: local API and verified writes', () => {
  it('lists every point with its value and quality', async () => {
    const { status, body } = await api(gw.url, 'GET', '/points');
    expect(status).toBe(200);
    expect(body).toHaveLength(2 * 27);
    expect(body).toContainEqual(
      expect.objectContaining({ key: 'cab-2:selector', value: 'auto', quality: { status: 'good' }, kind: 'measure' }),
    );
  });

  it('describes one piece of equipment with its link and points', async () => {
    const { body } = await api(gw.url, 'GET', '/equipment/cab-1');
    expect(body).toMatchObject({ id: 'cab-1', busId: 'street', unit: 1, online: true, link: 'connected' });
    expect(body.points).toHaveLength(27);
  });

  it('switches a circuit and confirms it by its feedback: applied', async () => {
    const { status, body } = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ key: CMD, value: true, status: 'applied', feedback: true });
    await api(gw.url, 'POST', `/points/${CMD}/write`, { value: false, permanent: true });
  });

  it('reports a mismatch when the local selector holds the circuit off', async () => {
    await control(sim, 'POST', '/devices/cab-1/inputs', { selector: 'off' });
    const { body } = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    expect(body).toMatchObject({ status: 'mismatch', feedback: false });
    expect(body.reason).toMatch(/circuit\.1\.feedback shows false, expected true/);
    await api(gw.url, 'POST', `/points/${CMD}/write`, { value: false, permanent: true });
  });

  it('reports failed with the reason when the device refuses the write', async () => {
    await control(sim, 'PUT', '/devices/cab-1/fault', { mode: 'exception', code: 4 });
    const { body } = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    expect(body).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^exception 4/) });
  });

  it('reports timeout when the feedback cannot be read after the write', async () => {
    await control(sim, 'PUT', '/devices/cab-1/fault', { mode: 'short' });
    const { body } = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    expect(['failed', 'timeout']).toContain(body.status);
    expect(body.reason).toBeTruthy();
  });

  it('refuses to write a feedback point, an unknown point and a malformed body, saying why', async () => {
    const feedback = await api(gw.url, 'POST', '/points/cab-1:circuit.1.feedback/write', { value: true });
    expect(feedback).toMatchObject({ status: 409, body: { code: 'NOT_WRITABLE' } });
    const unknown = await api(gw.url, 'POST', '/points/cab-9:circuit.1.command/write', { value: true });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'UNKNOWN_POINT' } });
    const bad = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: [1], notAfter: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p: { path: string }) => p.path)).toEqual(['value', 'notAfter']);
  });

  it('keeps a trace of every write, newest first', async () => {
    // A test write that failed above left its slot, so the output went back to its default on its own (source
    // "default"); this write comes after those.
    await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    const { body } = await api(gw.url, 'GET', '/writes?limit=3');
    expect(body).toHaveLength(3);
    expect(body[0]).toMatchObject({ key: CMD, value: true, source: 'local-api', status: 'applied' });
    await api(gw.url, 'POST', `/points/${CMD}/write`, { value: false, permanent: true });
    expect(body.every((w: { status: string }) => w.status !== 'pending')).toBe(true);
  });
});

describe('field faults over Modbus TCP', () => {
  it('a write to a unit that is offline fails at once (unit offline), and applies once the unit answers again', async () => {
    const driver = gw.field.drivers.get('street')!;
    await control(sim, 'PUT', '/devices/cab-1/fault', { mode: 'no-answer' });
    await waitFor(
      'cab-1 declared offline',
      () => Promise.resolve(driver.health().offline),
      (offline) => offline.some((o) => o.equipmentId === 'cab-1'),
      { timeoutMs: 30_000 },
    );
    // Its not-after time leaves it 30 s: it is answered now, not when that runs out.
    const notAfter = new Date(Date.now() + 30_000).toISOString();
    const refused = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, notAfter, permanent: true });
    expect(refused.body).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^unit offline: /) });
    await control(sim, 'DELETE', '/devices/cab-1/fault');
    await waitFor(
      'cab-1 back online',
      () => Promise.resolve(driver.health().offline),
      (offline) => offline.length === 0,
      { timeoutMs: 30_000 },
    );
    const applied = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true, permanent: true });
    expect(applied.body).toMatchObject({ status: 'applied' });
    const log = await api(gw.url, 'GET', '/writes?limit=2');
    expect(log.body.map((w: { status: string }) => w.status)).toEqual(['applied', 'failed']);
    await api(gw.url, 'POST', `/points/${CMD}/write`, { value: false, permanent: true });
  });

  it('flapping: the connection dropped 100 times is reopened each time, one socket at a time', async () => {
    const driver = gw.field.drivers.get('street')!;
    const before = (await control(sim, 'GET', '/devices/cab-1')).body.connections.accepted as number;
    let mostOpen = 0;
    for (let i = 0; i < 100; i++) {
      await control(sim, 'POST', '/devices/cab-1/actions/drop-connections');
      await waitFor(
        'cab-1:selector read good again',
        async () => {
          const [sample] = await driver.read([gw.field.points.get('cab-1:selector')!.bound]);
          const open = (await control(sim, 'GET', '/devices/cab-1')).body.connections.open as number;
          mostOpen = Math.max(mostOpen, open);
          return sample?.quality.status;
        },
        (status) => status === 'good',
        { timeoutMs: 5000 },
      );
    }
    const after = (await control(sim, 'GET', '/devices/cab-1')).body.connections;
    expect(mostOpen).toBe(1);
    expect(after.open).toBe(1);
    expect(after.accepted - before).toBe(100);
  }, 120_000);

  it('over-subscription: polls asked faster than the bus serves merge instead of queueing, and writes go first', async () => {
    await control(sim, 'PUT', '/devices/cab-2/fault', { mode: 'slow', delayMs: 100 });
    const driver = gw.field.drivers.get('street')!;
    const everything = [...gw.field.points.values()].map((p) => p.bound);
    const distinctReads = planReads(everything.filter((p): p is ModbusBoundPoint => p.unit !== undefined)).requests
      .length;
    let mostQueued = 0;
    const polls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      polls.push(driver.read(everything));
      mostQueued = Math.max(mostQueued, driver.health().queued);
      await new Promise((r) => setTimeout(r, 5));
    }
    const started = Date.now();
    const ack = await driver.write(gw.field.points.get(CMD)!.bound, true, new Date(Date.now() + 5000));
    const writeMs = Date.now() - started;
    mostQueued = Math.max(mostQueued, driver.health().queued);
    await Promise.all(polls);
    await control(sim, 'DELETE', '/devices/cab-2/fault');
    expect(ack).toEqual({ status: 'written' });
    // 40 whole-bus polls in flight at once never queue more than one copy of each distinct read (plus the write).
    expect(mostQueued).toBeLessThanOrEqual(distinctReads + 1);
    // The write jumped the queue: it waited for at most the requests already on the wire (4 × 100 ms), not 40 polls.
    expect(writeMs).toBeLessThan(40 * 100);
    await driver.write(gw.field.points.get(CMD)!.bound, false, new Date(Date.now() + 5000));
  });
});
