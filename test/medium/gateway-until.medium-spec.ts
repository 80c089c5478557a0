import { localDate, parseLocalDate, parseSchedule, planTransitions, resolveLocalTime, sunDay } from '@beffroi/schedule';
import { parse as parseYaml } from 'yaml';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

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
/** Driven by the lighting schedule. */
const CMD = 'cabinet:circuit.1.command';
/** Driven by no schedule. */
const FREE = 'cabinet:circuit.2.command';

let sim: SimulatorHarness;
let gw: GatewayHarness;

/** The instant of a local Paris wall time. */
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

describe('"switch now" lasts until the next programme change', () => {
  it('by default ends at the output next scheduled transition, says so, and the schedule takes back after it', async () => {
    const schedule = parseSchedule(parseYaml(LIGHTING), 'lighting.yaml');
    const [on, off] = planTransitions(
      schedule,
      SITE,
      paris('2027-01-04', 14, 0),
      paris('2027-01-05', 12, 0),
    ).transitions;
    const nextAt = on?.at.toISOString() ?? '';

    const switched = await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: true, owner: 'mairie' });
    expect(switched.status).toBe(200);
    expect(switched.body.winner).toMatchObject({
      slot: 10,
      owner: 'mairie',
      until: 'next-transition',
      expiresAt: nextAt,
    });
    expect(
      await waitFor(
        'circuit(1): v',
        () => circuit(1),
        (v) => v,
      ),
    ).toBe(true);

    // Past the transition the manual slot is gone: the schedule decides, and switches off at 23:00.
    await api(gw.url, 'PUT', '/clock', { at: new Date(Date.parse(nextAt) + 1000).toISOString() });
    const taken = await api(gw.url, 'GET', `/outputs/${CMD}`);
    expect(taken.body.winner).toMatchObject({ slot: 12, owner: 'schedule:eclairage' });
    expect(taken.body.underneath).toEqual([{ slot: 16, name: 'default', value: false }]);
    await api(gw.url, 'PUT', '/clock', { at: new Date((off?.at.getTime() ?? 0) + 1000).toISOString() });
    expect(
      await waitFor(
        'circuit(1): !v',
        () => circuit(1),
        (v) => !v,
      ),
    ).toBe(false);
  });

  it('takes a local time of the site, sunrise, an instant or permanent, and records the form asked', async () => {
    const at = async (body: Record<string, unknown>) =>
      (await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: true, ...body })).body.winner as object;

    expect(await at({ until: '02:00' })).toMatchObject({
      until: '02:00',
      expiresAt: paris('2027-01-05', 2, 0).toISOString(),
    });
    const sunrise = sunDay(SITE, parseLocalDate('2027-01-05'), 'usno').sunrise?.toISOString();
    expect(await at({ until: 'sunrise' })).toMatchObject({ until: 'sunrise', expiresAt: sunrise });
    expect(await at({ until: '2027-01-04T16:00:00+01:00' })).toMatchObject({
      until: '2027-01-04T15:00:00.000Z',
      expiresAt: '2027-01-04T15:00:00.000Z',
    });
    const permanent = await at({ permanent: true });
    expect(permanent).toMatchObject({ until: 'permanent' });
    expect(permanent).not.toHaveProperty('expiresAt');
  });

  it('refuses an until it cannot resolve with a 400 naming the field', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const answer = await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: true, ...body });
      expect(answer.status).toBe(400);
      return answer.body as { message: string; problems: { path: string }[] };
    };
    expect((await refused({ until: '25:00' })).message).toBe(
      'until: cabinet:circuit.1.command: "25:00" is not a local time HH:MM (00:00 to 23:59, two digits each, such as "02:00")',
    );
    expect((await refused({ until: 'demain' })).problems).toEqual([
      {
        path: 'until',
        message:
          'cabinet:circuit.1.command: "demain" is no until form: expected "next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant',
      },
    ]);
    expect((await refused({ until: '2027-01-04T12:00:00Z' })).message).toContain('is in the past');
    expect((await refused({ until: '2027-03-04T12:00:00Z' })).message).toContain('is too far ahead');
    expect((await refused({ until: '02:00', permanent: true })).problems).toEqual([
      { path: 'permanent', message: 'give either until or permanent: true, not both' },
    ]);
  });

  it('refuses "switch now" on an output no programme drives rather than making it permanent', async () => {
    const refused = await api(gw.url, 'PUT', `/outputs/${FREE}/override`, { value: true });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      'until: cabinet:circuit.2.command: until next-transition: no programme changes this output within 744 h; give until ("next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant) or permanent: true',
    );
    expect((await api(gw.url, 'GET', '/outputs')).body).not.toContainEqual(expect.objectContaining({ key: FREE }));

    const permanent = await api(gw.url, 'PUT', `/outputs/${FREE}/override`, { value: true, permanent: true });
    expect(permanent.body.winner).toMatchObject({ slot: 10, until: 'permanent' });
    expect(
      await waitFor(
        'circuit(2): v',
        () => circuit(2),
        (v) => v,
      ),
    ).toBe(true);
  });
});
