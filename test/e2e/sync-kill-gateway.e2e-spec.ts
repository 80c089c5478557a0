import ModbusRTU from 'modbus-serial';
import { ProcessHarness, request } from '../support/process-harness';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
const BELLS = 'bells-basilique';
const COMMANDS = 500;
const KILLS = 4;
/** Bell 3's strike relay (config/profiles/beffroi-sim-bells.yaml): only the test's ring sequence strikes it. */
const BELL_3_STRIKE = 18;
const SEED = Number(process.env.BEFFROI_KILL_SEED ?? Date.now() % 2 ** 31);

/** The demo bell schedule without its own rings (they would queue ahead of the commands'), and one short sequence. */
const TEST_BELLS = `sequences:
  essai:
    name: Essai (un coup de la cloche 3)
    steps:
      - { strike: 3, count: 1 }
calendar:
  defaultProgrammeId: silence
  rules: []
programmes:
  silence:
    rings: []
`;

/** A small seeded generator (mulberry32): the same seed gives the same commands and the same kills. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Command =
  | { action: 'ring'; pointKey: string; value: string; shortLived: boolean }
  | { action: 'switch' | 'override-until'; pointKey: string; value: boolean | number; shortLived: boolean };

/**
 * The burst: one in ten rings bell 3 once; the others switch a circuit (on/off) or set its level, now or until an
 * hour from now. Each level value is used once per circuit (1..99), so the cabinet's record of writes tells which
 * command a level write carried out. One in twenty must run within 2 s of being issued.
 */
function burst(next: () => number): Command[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const levels = [1, 2, 3, 4].map((circuit) => ({
    circuit,
    free: Array.from({ length: 99 }, (_, i) => i + 1).sort(() => next() - 0.5),
  }));
  return Array.from({ length: COMMANDS }, (): Command => {
    const shortLived = next() < 0.05;
    const kind = next();
    if (kind < 0.1) return { action: 'ring', pointKey: `${BELLS}:bell.3.strike`, value: 'essai', shortLived };
    const action = pick(['switch', 'override-until'] as const);
    const level = pick(levels);
    const value = kind < 0.55 ? level.free.pop() : undefined;
    return value === undefined
      ? { action, pointKey: `${CABINET}:circuit.${pick([1, 2, 3, 4])}.command`, value: next() < 0.5, shortLived }
      : { action, pointKey: `${CABINET}:circuit.${level.circuit}.level`, value, shortLived };
  });
}

interface AcceptedWrite {
  n: number;
  table: 'coil' | 'holding-register';
  address: number;
  value: boolean | number;
}

interface CentralCommand {
  id: string;
  pointKey: string;
  action: string;
  value?: boolean | number | string;
  status: string;
  reason: string | null;
}

describe(`gateway killed -9 during a burst of ${COMMANDS} commands from central (seed ${SEED})`, () => {
  let harness: ProcessHarness;
  let token: string;
  const central = (path: string, method: 'GET' | 'POST' = 'GET', body?: unknown) =>
    request(`${harness.url('central')}${path}`, method, body, token);
  const simulator = async (path: string) => (await request(`${harness.url('simulator')}${path}`)).body;
  const context = () => harness.logTail('gateway', 'central');

  beforeAll(async () => {
    harness = await ProcessHarness.start({
      files: { 'schedules/cloches-basilique.yaml': TEST_BELLS },
      gateway: (config) => {
        config.control = { ...(config.control as object), minimumOnOff: '0s' };
      },
    });
    token = await harness.login('agent@02691', 'demo-agent-02691');
    await waitFor(
      'the gateway online on central',
      () => central(`/api/gateways/${GATEWAY}`),
      (answer) => answer.body?.online === true,
      { timeoutMs: 30_000, context },
    );
    // Central checks commands against the gateway's catalogue, reported just after the connection.
    await waitFor(
      "the gateway's catalogue on central",
      () => central(`/api/gateways/${GATEWAY}/equipment`),
      (answer) => answer.status === 200,
      { timeoutMs: 30_000, context },
    );
  }, 120_000);

  afterAll(async () => {
    await harness.close();
  });

  /** Writes to the cabinet over Modbus TCP, as someone on site with a laptop would, while the gateway is down. */
  async function tamperWithCabinet(): Promise<{ after: number; until: number }> {
    const before = (await simulator(`/devices/${CABINET}/writes`)).total as number;
    const { circuits } = (await simulator(`/devices/${CABINET}`)) as { circuits: { command: boolean }[] };
    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: harness.equipment['street-lighting'] ?? 0 });
    client.setID(1);
    await client.writeCoils(
      0,
      circuits.map((circuit) => !circuit.command),
    );
    await client.writeRegisters(0, [0, 0, 0, 0]);
    await new Promise<void>((resolve) => client.close(() => resolve()));
    return { after: before, until: (await simulator(`/devices/${CABINET}/writes`)).total };
  }

  it('ends every command, runs none twice and leaves the cabinet as the gateway says it should be', async () => {
    const next = random(SEED);
    const commands = burst(next);
    const killAt = new Set<number>();
    while (killAt.size < KILLS) killAt.add(25 + Math.floor(next() * (COMMANDS - 50)));
    const killAndRestart = async () => {
      await new Promise((r) => setTimeout(r, next() * 400));
      await harness.kill('gateway');
      await new Promise((r) => setTimeout(r, next() * 1500));
      await harness.restart('gateway');
    };

    let cycle: Promise<void> = Promise.resolve();
    const issued: string[] = [];
    for (const [index, command] of commands.entries()) {
      if (killAt.has(index)) {
        await cycle;
        cycle = killAndRestart();
      }
      const { shortLived, ...body } = command;
      const now = Date.now();
      const answer = await central(`/api/gateways/${GATEWAY}/commands`, 'POST', {
        ...body,
        ...(body.action === 'override-until' ? { until: new Date(now + 3_600_000).toISOString() } : {}),
        ...(body.action === 'switch' ? { permanent: true } : {}),
        ...(shortLived ? { notAfter: new Date(now + 2000).toISOString() } : {}),
      });
      expect(answer.status).toBe(202);
      issued.push(String(answer.body.id));
    }
    await cycle;

    // Every command ends on central: none left queued or sent.
    const final = await waitFor(
      'every command in a final state on central',
      async () => (await central(`/api/gateways/${GATEWAY}/commands?limit=1000`)).body as CentralCommand[],
      (list) => list.length === COMMANDS && list.every((c) => !['queued', 'sent'].includes(c.status)),
      { timeoutMs: 90_000, context },
    );
    expect(new Set(final.map((c) => c.id))).toEqual(new Set(issued));
    const statuses = new Set(final.map((c) => c.status));
    expect([...statuses].filter((s) => !['applied', 'failed', 'expired'].includes(s))).toEqual([]);

    // Once more, with the cabinet changed behind the gateway's back while it is down: after the restart it puts back
    // what its control layer says, on every circuit (not only those a schedule drives).
    await harness.kill('gateway');
    const tampered = await tamperWithCabinet();
    await harness.restart('gateway');
    const outputs = await waitFor(
      'the cabinet as the gateway says it should be',
      async () => {
        const expected = (
          (await request(`${harness.url('gateway')}/outputs`)).body as { key: string; value: unknown }[]
        )
          .filter((o) => o.key.startsWith(`${CABINET}:circuit.`))
          .map((o) => [o.key, o.value]);
        const { circuits } = await simulator(`/devices/${CABINET}`);
        const actual = expected.map(([key]) => {
          const [, circuit, point] = /circuit\.(\d)\.(command|level)$/.exec(String(key)) ?? [];
          return [key, circuits[Number(circuit) - 1][String(point)]];
        });
        return { expected, actual };
      },
      ({ expected, actual }) => JSON.stringify(expected) === JSON.stringify(actual),
      { timeoutMs: 30_000, context },
    );
    expect(outputs.actual).toEqual(outputs.expected);
    expect(outputs.expected.length).toBe(8);

    // The cabinet's record: each level value belongs to one command; after folding repeated writes of one value
    // (a restart re-asserting what was already there), none comes back later, and each applied one was written.
    const cabinet = (await simulator(`/devices/${CABINET}/writes`)) as { total: number; writes: AcceptedWrite[] };
    expect(cabinet.writes.length).toBe(cabinet.total);
    let levelsApplied = 0;
    const byGateway = cabinet.writes.filter((w) => w.n <= tampered.after || w.n > tampered.until);
    for (const circuit of [1, 2, 3, 4]) {
      const written = byGateway
        .filter((w) => w.table === 'holding-register' && w.address === circuit - 1)
        .map((w) => w.value)
        .filter((value, i, all) => i === 0 || value !== all[i - 1]);
      expect(written.filter((value, i) => written.indexOf(value) !== i)).toEqual([]);
      const applied = final
        .filter((c) => c.pointKey === `${CABINET}:circuit.${circuit}.level` && c.status === 'applied')
        .map((c) => c.value);
      expect(applied.filter((value) => !written.includes(value as number))).toEqual([]);
      levelsApplied += applied.length;
    }
    expect(levelsApplied).toBeGreaterThan(0);

    // The belfry's record: every applied ring struck once; a strike beyond those can only be a ring cut by a kill
    // or one whose write failed after the controller took it — never a ring played again.
    const belfry = (await simulator(`/devices/${BELLS}/writes`)) as { total: number; writes: AcceptedWrite[] };
    const strikes = belfry.writes.filter((w) => w.table === 'coil' && w.address === BELL_3_STRIKE && w.value).length;
    const rings = final.filter((c) => c.action === 'ring');
    const ringsApplied = rings.filter((c) => c.status === 'applied').length;
    expect(ringsApplied).toBeGreaterThan(0);
    const ringsFailedOtherwise = rings.filter(
      (c) => c.status === 'failed' && c.reason !== 'interrupted by a gateway restart',
    ).length;
    expect(strikes).toBeGreaterThanOrEqual(ringsApplied);
    expect(strikes).toBeLessThanOrEqual(ringsApplied + KILLS + ringsFailedOtherwise);
  }, 170_000);
});
