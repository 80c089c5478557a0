import { localDate, parseSchedule, planTransitions, resolveLocalTime } from '@beffroi/schedule';
import { parse as parseYaml } from 'yaml';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

/**
 * Every write path goes through arbitration and the lock-out: a local write to an output is a command in the manual
 * slot (same outcome and record as any), refused under someone else's lock-out.
 */

/** Street lighting: sunset+15 → on, 23:00 → off, 05:30 → on, sunrise → off. */
const LIGHTING = `
calendar: { defaultProgrammeId: nuit, rules: [] }
programmes:
  nuit:
    points:
      - { sun: sunset, offsetMinutes: 15, value: true }
      - { at: '23:00', value: false }
      - { at: '05:30', value: true }
      - { sun: sunrise, value: false }
`;

const SITE = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
const CMD = 'cabinet:circuit.1.command';
const FREE = 'cabinet:circuit.2.command';

let sim: SimulatorHarness;
let gw: GatewayHarness;

function paris(date: string, hour: number, minute: number): Date {
  const [y, m, d] = date.split('-').map(Number);
  return resolveLocalTime(localDate(y ?? 0, m ?? 0, d ?? 0), hour, minute, 0, 'Europe/Paris').instant;
}

async function circuit(n: number): Promise<boolean> {
  const state = await control(sim, 'GET', '/devices/cabinet');
  return (state.body as { circuits: { command: boolean }[] }).circuits[n - 1]?.command ?? false;
}

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '50ms', strikePulse: '200ms' });
});

afterAll(() => sim.close());

beforeEach(async () => {
  gw = await startGateway(
    cabinetAndBellsBuses(sim, { timeout: '300ms', verifyTimeout: '2s', reconnectMin: '20ms', reconnectMax: '200ms' }),
    undefined,
    {
      bootAt: paris('2027-01-04', 14, 0),
      files: { 'lighting.yaml': LIGHTING },
      config: {
        clock: { mode: 'adjustable' },
        control: { minimumOnOff: '0s' },
        schedules: [{ id: 'eclairage', kind: 'lighting', file: 'lighting.yaml', outputs: [CMD] }],
      },
    },
  );
  await waitFor(
    'GET /switchings?key=${CMD}: list.length > 0',
    async () => (await api(gw.url, 'GET', `/switchings?key=${CMD}`)).body as unknown[],
    (list) => list.length > 0,
  );
});

afterEach(() => gw.close());

describe('local writes go through arbitration and the lock-out', () => {
  it('a local write to a locked-out circuit is refused naming the holder', async () => {
    await api(gw.url, 'PUT', `/outputs/${FREE}/lockout`, { value: false, owner: 'technicien:jdupont' });
    expect(
      await waitFor(
        'circuit(2): !v',
        () => circuit(2),
        (v) => !v,
      ),
    ).toBe(false);

    const refused = await api(gw.url, 'POST', `/points/${FREE}/write`, { value: true, permanent: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'LOCKED_OUT' });
    expect(refused.body.message).toContain('locked out for maintenance by technicien:jdupont');
    expect(await circuit(2)).toBe(false);
    expect((await api(gw.url, 'GET', '/writes?limit=5')).body).not.toContainEqual(
      expect.objectContaining({ key: FREE, value: true }),
    );

    // The holder tests the circuit under the lock-out: the lock-out's own value changes, the lock-out stays.
    const holder = await api(gw.url, 'POST', `/points/${FREE}/write`, { value: true, owner: 'technicien:jdupont' });
    expect(holder.status).toBe(200);
    expect(holder.body).toMatchObject({ key: FREE, value: true, status: 'applied', feedback: true });
    expect(await circuit(2)).toBe(true);
    expect((await api(gw.url, 'GET', `/outputs/${FREE}`)).body.winner).toMatchObject({
      slot: 8,
      owner: 'technicien:jdupont',
    });
  });

  it('a local test write is arbitrated and shows in /outputs, and the schedule takes back at its next transition', async () => {
    const schedule = parseSchedule(parseYaml(LIGHTING), 'lighting.yaml');
    const [on, off] = planTransitions(
      schedule,
      SITE,
      paris('2027-01-04', 14, 0),
      paris('2027-01-05', 12, 0),
    ).transitions;

    const written = await api(gw.url, 'POST', `/points/${CMD}/write`, { value: true });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({
      key: CMD,
      value: true,
      status: 'applied',
      feedback: true,
      until: { form: 'next-transition', at: on?.at.toISOString() },
    });
    expect(await circuit(1)).toBe(true);
    expect((await api(gw.url, 'GET', '/outputs')).body).toContainEqual({
      key: CMD,
      value: true,
      slot: 10,
      slotName: 'manual',
      owner: 'local-api',
    });
    const [switching] = (await api(gw.url, 'GET', `/switchings?key=${CMD}&limit=1`)).body as object[];
    expect(switching).toMatchObject({ value: true, slot: 10, cause: 'local-api', result: 'applied' });

    await api(gw.url, 'PUT', '/clock', { at: new Date((on?.at.getTime() ?? 0) + 1000).toISOString() });
    expect((await api(gw.url, 'GET', `/outputs/${CMD}`)).body.winner).toMatchObject({
      slot: 12,
      owner: 'schedule:eclairage',
    });
    await api(gw.url, 'PUT', '/clock', { at: new Date((off?.at.getTime() ?? 0) + 1000).toISOString() });
    expect(
      await waitFor(
        'circuit(1): !v',
        () => circuit(1),
        (v) => !v,
      ),
    ).toBe(false);
  });

  it('a local write to an output no programme drives asks for until or permanent, and then stays arbitrated', async () => {
    const refused = await api(gw.url, 'POST', `/points/${FREE}/write`, { value: true });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      { path: 'until', message: expect.stringContaining('no programme changes this output') as string },
    ]);
    const written = await api(gw.url, 'POST', `/points/${FREE}/write`, { value: true, until: '02:00' });
    expect(written.body).toMatchObject({
      status: 'applied',
      until: { form: '02:00', at: paris('2027-01-05', 2, 0).toISOString() },
    });
    expect((await api(gw.url, 'GET', `/outputs/${FREE}`)).body).toMatchObject({
      value: true,
      winner: { slot: 10, owner: 'local-api', until: '02:00' },
    });
  });

  it('a write to a bell relay respects the lock-out of its equipment', async () => {
    await api(gw.url, 'PUT', '/outputs/bells:bell.2.swing/lockout', { value: false, owner: 'technicien:jdupont' });
    const refused = await api(gw.url, 'POST', '/points/bells:bell.1.swing/write', { value: true });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('technicien:jdupont');
  });
});
