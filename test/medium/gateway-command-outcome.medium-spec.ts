import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, CommandV1 } from '@beffroi/sync';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const LEVEL = (n: number) => `cabinet:circuit.${n}.level`;
const CIRCUIT = (n: number) => `cabinet:circuit.${n}.command`;
/** Short enough for a test, long enough that a second command within it is held. */
const MINIMUM_ON_OFF_MS = 2000;

interface Circuit {
  command: boolean;
  level: number;
}

let sim: SimulatorHarness;
let peer: SyncPeer;
let gw: GatewayHarness | undefined;

async function start(): Promise<GatewayHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-outcome-'));
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  const gateway = await startGateway(
    cabinetAndBellsBuses(sim, { timeout: '300ms', verifyTimeout: '2s', reconnectMin: '20ms', reconnectMax: '200ms' }),
    dir,
    {
      config: {
        control: { minimumOnOff: `${MINIMUM_ON_OFF_MS}ms` },
        central: { url: peer.url, credentialFile, reconnectMin: '20ms', reconnectMax: '300ms' },
      },
    },
  );
  await waitFor(
    'GET /sync: status.connected === true',
    async () => (await api(gateway.url, 'GET', '/sync')).body,
    (status) => status.connected === true,
  );
  return gateway;
}

async function circuits(): Promise<Circuit[]> {
  return ((await control(sim, 'GET', '/devices/cabinet')).body as { circuits: Circuit[] }).circuits;
}

/** The values the cabinet accepted at one address of one table since write number `after`, in order. */
async function written(table: string, address: number, after: number): Promise<(boolean | number)[]> {
  const { writes } = (await control(sim, 'GET', '/devices/cabinet/writes')).body as {
    writes: { n: number; table: string; address: number; value: boolean | number }[];
  };
  return writes.filter((w) => w.n > after && w.table === table && w.address === address).map((w) => w.value);
}

async function writeCount(): Promise<number> {
  return ((await control(sim, 'GET', '/devices/cabinet/writes')).body as { total: number }).total;
}

/** Every result central received for the command, in order. */
function resultsOf(id: string): CommandResult[] {
  return peer
    .appliedOf('commandResult')
    .map((e) => e.payload)
    .filter((r) => r.commandId === id);
}

/** Waits until every one of `commands` has a final result, and answers each one's results, in order. */
async function finished(commands: CommandV1[]): Promise<CommandResult[][]> {
  return waitFor(
    'commands.map((c) => resultsOf(c.id)): lists.every((list) => list.some((r) => r.status !== "held"))',
    () => commands.map((c) => resultsOf(c.id)),
    (lists) => lists.every((list) => list.some((r) => r.status !== 'held')),
    { timeoutMs: 30_000 },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
});
afterAll(() => sim.close());
beforeEach(async () => {
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await peer.close();
});

describe('a command has one outcome, and it is the truth', () => {
  it('two setpoints in a row on one output: the second is held with the instant it applies, then applied', async () => {
    gw = await start();
    const first = peer.command({ id: 'level-40', pointKey: LEVEL(1), value: 40 });
    const second = peer.command({ id: 'level-70', pointKey: LEVEL(1), value: 70 });
    peer.send(first);
    await waitFor(
      'resultsOf("level-40"): list.length > 0',
      () => resultsOf('level-40'),
      (list) => list.length > 0,
    );
    peer.send(second);
    const [firstResults, secondResults] = await finished([first, second]);

    expect(firstResults?.map((r) => r.status)).toEqual(['applied']);
    expect(secondResults?.map((r) => r.status)).toEqual(['held', 'applied']);
    const held = secondResults?.[0];
    expect(held?.status === 'held' && Date.parse(held.applyAt) > Date.parse(held.at)).toBe(true);
    expect((await circuits())[0]?.level).toBe(70);
    expect(await written('holding-register', 0, 0)).toEqual([40, 70]);
  });

  it('switch on then off at once: the off is held then applied, the field shows off, nothing failed', async () => {
    gw = await start();
    const on = peer.command({ id: 'on', pointKey: CIRCUIT(2), value: true });
    const off = peer.command({ id: 'off', pointKey: CIRCUIT(2), value: false });
    peer.send(on);
    await waitFor(
      'resultsOf("on"): list.length > 0',
      () => resultsOf('on'),
      (list) => list.length > 0,
    );
    peer.send(off);
    const [onResults, offResults] = await finished([on, off]);

    expect(onResults?.map((r) => r.status)).toEqual(['applied']);
    expect(offResults?.map((r) => r.status)).toEqual(['held', 'applied']);
    expect((await circuits())[1]?.command).toBe(false);
    const switchings = (await api(gw.url, 'GET', `/switchings?key=${CIRCUIT(2)}`)).body as { cause: string }[];
    expect(switchings.map((s) => s.cause).sort()).toEqual(['command:off', 'command:on']);
  });

  it('a burst of setpoints on one output: each command ends once, and only the values of applied ones reach the field', async () => {
    gw = await start();
    const before = await writeCount();
    const burst = [10, 20, 30, 40, 50].map((value) =>
      peer.command({ id: `burst-${value}`, pointKey: LEVEL(3), value }),
    );
    for (const command of burst) {
      peer.send(command);
      await sleep(150);
    }
    const results = await finished(burst);
    // Long enough for any retry or late hold to have switched the output, if one were left behind.
    await sleep(MINIMUM_ON_OFF_MS + 1500);

    const finals = results.map((list) => list.filter((r) => r.status !== 'held'));
    expect(finals.map((list) => list.length)).toEqual([1, 1, 1, 1, 1]);
    const applied = burst
      .filter((_, i) => finals[i]?.[0]?.status === 'applied')
      .map((c) => ('value' in c ? c.value : undefined));
    expect(applied).toEqual([10, 50]);
    for (const list of finals.slice(1, 4)) {
      expect(list[0]).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('superseded by command:burst-'),
      });
    }
    expect(await written('holding-register', 2, before)).toEqual([10, 50]);
    expect((await circuits())[2]?.level).toBe(50);
  });
});
