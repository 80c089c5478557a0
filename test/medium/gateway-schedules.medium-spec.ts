import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@beffroi/runtime';
import { localDate, parseSchedule, planTransitions, resolveLocalTime } from '@beffroi/schedule';
import { parse as parseYaml } from 'yaml';
import { BellService } from '../../apps/gateway/src/control/bell.service';
import { ControlService } from '../../apps/gateway/src/control/control.service';
import { api, type GatewayHarness, runClock, runClockUntil, startGateway } from '../support/gateway-harness';
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

/** Short sequences so a test hears them: two blows of bell 1, then bell 2 swings for a second. */
const BELLS = `
sequences:
  court: { steps: [{ strike: 1, count: 2, interval: 600ms }, { swing: [2], duration: 1s }] }
  volee-puis-tintement: { steps: [{ swing: [3], duration: 1s }, { strike: 3, count: 1 }] }
  grande-volee: { steps: [{ swing: [1, 2, 3], duration: 1s }] }
calendar: { defaultProgrammeId: jour, rules: [] }
programmes:
  jour:
    rings:
      - { at: '10:00', sequence: court }
      - { at: '10:30', sequence: volee-puis-tintement }
      - { at: '11:00', sequence: grande-volee }
      - { at: '02:30', sequence: court }
`;

const SITE = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
const CMD = 'cabinet:circuit.1.command';

let sim: SimulatorHarness;
/** The gateway's clock: it moves only when a test advances it, so no test waits for schedule time in real seconds. */
let clock: ManualClock;

function buses() {
  return cabinetAndBellsBuses(sim, {
    timeout: '300ms',
    verifyTimeout: '2s',
    reconnectMin: '20ms',
    reconnectMax: '200ms',
  });
}

function gateway(bootAt: Date, dir?: string): Promise<GatewayHarness> {
  clock = new ManualClock(bootAt);
  return startGateway(buses(), dir, {
    clock,
    files: { 'lighting.yaml': LIGHTING, 'bells.yaml': BELLS },
    config: {
      clock: { mode: 'adjustable' },
      control: { minimumOnOff: '0s', bells: { settle: '5s', maxSwinging: 2, lateTolerance: '30s' } },
      schedules: [
        { id: 'eclairage', kind: 'lighting', file: 'lighting.yaml', outputs: [CMD] },
        { id: 'cloches', kind: 'bells', file: 'bells.yaml', equipment: 'bells' },
      ],
    },
  });
}

/** The instant of a local Paris wall time. */
function paris(date: string, hour: number, minute: number): Date {
  const [y, m, d] = date.split('-').map(Number);
  return resolveLocalTime(localDate(y ?? 0, m ?? 0, d ?? 0), hour, minute, 0, 'Europe/Paris').instant;
}

async function circuit1(): Promise<boolean> {
  const state = await control(sim, 'GET', '/devices/cabinet');
  return (state.body as { circuits: { command: boolean }[] }).circuits[0]?.command ?? false;
}

async function bellCounts(): Promise<{ strikes: number; swings: number }[]> {
  const state = await control(sim, 'GET', '/devices/bells');
  return (state.body as { bells: { strikes: number; swings: number }[] }).bells.map(({ strikes, swings }) => ({
    strikes,
    swings,
  }));
}

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '50ms', strikePulse: '200ms' });
});

afterAll(() => sim.close());

describe('the gateway runs its lighting schedule', () => {
  let gw: GatewayHarness;
  afterEach(() => gw.close());

  it('switches the cabinet on at sunset+15 and off at 23:00, at the computed instants, and records why', async () => {
    const schedule = parseSchedule(parseYaml(LIGHTING), 'lighting.yaml');
    const night = planTransitions(schedule, SITE, paris('2027-01-04', 12, 0), paris('2027-01-05', 12, 0));
    const [on, off] = night.transitions;
    expect(on?.value).toBe(true);
    expect(off?.at).toEqual(paris('2027-01-04', 23, 0));
    const onAt = on?.at ?? new Date(0);

    gw = await gateway(new Date(onAt.getTime() - 3000));
    // Booting before sunset re-asserts "off" (level-triggered), then the one timer fires at the computed instant.
    await gw.app.get(ControlService).settled();
    expect(await circuit1()).toBe(false);
    await clock.advance(2999);
    expect(await circuit1()).toBe(false);
    await clock.advance(1);
    expect(await waitFor('circuit1: v', circuit1, (v) => v)).toBe(true);
    const switchings = await waitFor(
      'GET /switchings?key=${CMD}: list.some((s) => s.value)',
      async () => (await api(gw.url, 'GET', `/switchings?key=${CMD}`)).body as { at: string; value: boolean }[],
      (list) => list.some((s) => s.value),
    );
    const switchedOn = switchings.find((s) => s.value);
    expect(switchedOn).toMatchObject({ slot: 12, cause: 'schedule:eclairage', result: 'applied' });
    const lateMs = Date.parse(switchedOn?.at ?? '') - onAt.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1500);

    const explained = await api(gw.url, 'GET', `/outputs/${CMD}`);
    expect(explained.body).toMatchObject({
      value: true,
      winner: { slot: 12, name: 'calendar', owner: 'schedule:eclairage' },
    });

    // The fake clock moves to 22:59:57: a jump, a re-plan (still on), then "off" at 23:00 sharp.
    await api(gw.url, 'PUT', '/clock', { at: new Date((off?.at.getTime() ?? 0) - 3000).toISOString() });
    expect(await circuit1()).toBe(true);
    await clock.advance(3000);
    expect(await waitFor('circuit1: !v', circuit1, (v) => !v)).toBe(false);
    const [last] = await waitFor(
      'GET /switchings?key=${CMD}&limit=1: list[0]?.value === false',
      async () => (await api(gw.url, 'GET', `/switchings?key=${CMD}&limit=1`)).body as { at: string; value: boolean }[],
      (list) => list[0]?.value === false,
    );
    expect(last?.value).toBe(false);
    expect(Date.parse(last?.at ?? '') - (off?.at.getTime() ?? 0)).toBeLessThan(1500);
  });

  it('a manual override wins over the schedule until it expires; a lock-out refuses it', async () => {
    gw = await gateway(paris('2027-01-04', 14, 0));
    await waitFor(
      'GET /switchings?key=${CMD}: list.length > 0',
      async () => (await api(gw.url, 'GET', `/switchings?key=${CMD}`)).body as unknown[],
      (list) => list.length > 0,
    );
    const until5s = new Date(paris('2027-01-04', 14, 0).getTime() + 60_000).toISOString();
    const override = await api(gw.url, 'PUT', `/outputs/${CMD}/override`, {
      value: true,
      until: until5s,
      owner: 'mairie',
    });
    expect(override.body).toMatchObject({ value: true, winner: { slot: 10, owner: 'mairie', expiresAt: until5s } });
    expect(override.body.underneath).toEqual([
      { slot: 12, name: 'calendar', value: false, owner: 'schedule:eclairage' },
      { slot: 16, name: 'default', value: false },
    ]);
    expect(await waitFor('circuit1: v', circuit1, (v) => v)).toBe(true);

    const lock = await api(gw.url, 'PUT', `/outputs/${CMD}/lockout`, { value: false, owner: 'technicien:jdupont' });
    expect(lock.body.winner).toMatchObject({ slot: 8, owner: 'technicien:jdupont' });
    expect(await waitFor('circuit1: !v', circuit1, (v) => !v)).toBe(false);
    const refused = await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: true });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('locked out for maintenance by technicien:jdupont');
    const wrongType = await api(gw.url, 'PUT', `/outputs/${CMD}/override`, { value: 'on' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('value: cabinet:circuit.1.command is a bool point, expected a boolean');

    await api(gw.url, 'DELETE', `/outputs/${CMD}/lockout?owner=technicien:jdupont`);
    // Back to the override (still running), then past its expiry back to the schedule.
    expect(await waitFor('circuit1: v', circuit1, (v) => v)).toBe(true);
    await api(gw.url, 'PUT', '/clock', { at: new Date(Date.parse(until5s) + 1000).toISOString() });
    expect(await waitFor('circuit1: !v', circuit1, (v) => !v)).toBe(false);
  });
});

describe('the gateway rings its bells', () => {
  let gw: GatewayHarness;
  afterEach(() => gw.close());

  it('rings once at the computed instant and never twice when the wall clock steps back ±5 min or ±1 h', async () => {
    const ringAt = paris('2027-01-04', 10, 0);
    const before = await bellCounts();
    gw = await gateway(new Date(ringAt.getTime() - 2000));
    await clock.advance(2000);
    const rings = await runClockUntil(
      'GET /rings: list.some((r) => r.state === "done")',
      clock,
      async () => (await api(gw.url, 'GET', '/rings')).body as { key: string; state: string }[],
      (list) => list.some((r) => r.state === 'done'),
      10_000,
    );
    expect(rings).toEqual([expect.objectContaining({ key: `${ringAt.toISOString()}/court`, state: 'done' })]);
    const after = await bellCounts();
    expect(after[0]?.strikes).toBe((before[0]?.strikes ?? 0) + 2);
    expect(after[1]?.swings).toBe((before[1]?.swings ?? 0) + 1);

    for (const back of [5 * 60_000, 3_600_000]) {
      await api(gw.url, 'PUT', '/clock', { at: new Date(ringAt.getTime() - back).toISOString() });
      await api(gw.url, 'PUT', '/clock', { at: new Date(ringAt.getTime() - 1000).toISOString() });
      await runClock(clock, 2500);
    }
    await gw.app.get(BellService).idle();
    expect((await bellCounts())[0]?.strikes).toBe(after[0]?.strikes);
    expect(((await api(gw.url, 'GET', '/rings')).body as unknown[]).length).toBe(1);
  });

  it('records a ring jumped over by the clock as missed, never plays it late', async () => {
    const ringAt = paris('2027-01-04', 10, 0);
    gw = await gateway(new Date(ringAt.getTime() - 60_000));
    const before = await bellCounts();
    await api(gw.url, 'PUT', '/clock', { at: new Date(ringAt.getTime() + 5 * 60_000).toISOString() });
    const rings = (await api(gw.url, 'GET', '/rings')).body as { state: string; detail: string }[];
    expect(rings).toEqual([
      expect.objectContaining({ state: 'missed', detail: expect.stringContaining('the wall clock moved forward') }),
    ]);
    expect(await bellCounts()).toEqual(before);
  });

  it('holds the interlocks whatever the schedule asks: no hammer on a settling bell, at most 2 swinging', async () => {
    const before = await bellCounts();
    gw = await gateway(new Date(paris('2027-01-04', 10, 30).getTime() - 1000));
    await clock.advance(1000);
    await runClockUntil(
      'GET /rings: list.some((r) => r.state === "failed")',
      clock,
      async () => (await api(gw.url, 'GET', '/rings')).body as { state: string }[],
      (list) => list.some((r) => r.state === 'failed'),
      10_000,
    );
    await api(gw.url, 'PUT', '/clock', { at: new Date(paris('2027-01-04', 11, 0).getTime() - 1000).toISOString() });
    await clock.advance(1000);
    const rings = await runClockUntil(
      'GET /rings: list.filter((r) => r.state === "failed").length === 2',
      clock,
      async () => (await api(gw.url, 'GET', '/rings')).body as { sequenceId: string; state: string; detail: string }[],
      (list) => list.filter((r) => r.state === 'failed').length === 2,
      10_000,
    );
    expect(rings.map((r) => [r.sequenceId, r.state, r.detail])).toEqual([
      ['grande-volee', 'failed', 'swingStart bell 3: 2 bells already swing (at most 2 at once)'],
      ['volee-puis-tintement', 'failed', expect.stringMatching(/^strike bell 3: bell 3 is still settling/)],
    ]);
    const refused = ((await api(gw.url, 'GET', '/switchings?limit=50')).body as { result: string }[]).filter(
      (s) => s.result === 'refused',
    );
    expect(refused).toHaveLength(2);
    const after = await bellCounts();
    expect(after[2]?.strikes).toBe(before[2]?.strikes);
    const state = await control(sim, 'GET', '/devices/bells');
    expect(state.body).toMatchObject({ interlockRefusals: 0 });
  });

  it('after a restart inside the repeated hour (02:29:59 CET), the 02:30 ring of that night is not played again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beffroi-dst-'));
    // 2026-10-25 02:30 runs once, at its first occurrence (CEST, 00:30Z).
    const firstOccurrence = new Date('2026-10-25T00:30:00Z');
    gw = await gateway(new Date(firstOccurrence.getTime() - 1000), dir);
    await clock.advance(1000);
    await runClockUntil(
      'GET /rings: list.some((r) => r.state === "done")',
      clock,
      async () => (await api(gw.url, 'GET', '/rings')).body as { state: string }[],
      (list) => list.some((r) => r.state === 'done'),
      10_000,
    );
    await gw.app.get(BellService).idle();
    await gw.app.get(ControlService).settled();
    await gw.app.close();
    const strikes = (await bellCounts())[0]?.strikes;
    // Restart at 02:45 CET (01:45Z), the second pass through the repeated hour; 02:30 CET (01:30Z) is not a ring.
    gw = await gateway(new Date('2026-10-25T01:29:59Z'), dir);
    await runClock(clock, 2500);
    const next = (await api(gw.url, 'GET', '/schedules')).body.schedules[1].next as { at: string }[];
    expect(next.map((n) => n.at)).not.toContain('2026-10-25T00:30:00.000Z');
    expect(next.map((n) => n.at)).not.toContain('2026-10-25T01:30:00.000Z');
    expect((await bellCounts())[0]?.strikes).toBe(strikes);
    expect(((await api(gw.url, 'GET', '/rings')).body as unknown[]).length).toBe(1);
  });
});
