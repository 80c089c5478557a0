import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandV1 } from '@beffroi/sync';
import { addDays, localDateOf, parseSchedule, planTransitions, resolveLocalTime } from '@beffroi/schedule';
import { parse as parseYaml } from 'yaml';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { cabinetAndBellsBuses, type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { SyncPeer } from '../support/sync-peer';
import { waitFor } from '../support/wait-for';

/** A switch command from central lasts as its until says, resolved by the gateway, which reports the end. */

const GATEWAY = 'gw-test';
const CREDENTIAL = 'credential-of-gw-test';
const LIT = 'cabinet:circuit.1.command';
const FREE = 'cabinet:circuit.2.command';
const SITE = { latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' };
const LIGHTING = `
calendar: { defaultProgrammeId: nuit, rules: [] }
programmes:
  nuit:
    points:
      - { sun: sunset, offsetMinutes: 15, value: true }
      - { at: '23:00', value: false }
`;

let sim: SimulatorHarness;
let peer: SyncPeer;
let gw: GatewayHarness;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
});

afterAll(() => sim.close());

beforeEach(async () => {
  peer = await SyncPeer.start({ gatewayId: GATEWAY, credential: CREDENTIAL });
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-sync-'));
  const credentialFile = join(dir, 'secrets', 'gateway-credential');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(credentialFile, CREDENTIAL, { mode: 0o600 });
  gw = await startGateway(
    cabinetAndBellsBuses(sim, { timeout: '300ms', verifyTimeout: '2s', reconnectMin: '20ms', reconnectMax: '200ms' }),
    dir,
    {
      files: { 'lighting.yaml': LIGHTING },
      config: {
        control: { minimumOnOff: '0s' },
        schedules: [{ id: 'eclairage', kind: 'lighting', file: 'lighting.yaml', outputs: [LIT] }],
        central: { url: peer.url, credentialFile, reconnectMin: '20ms', reconnectMax: '300ms' },
      },
    },
  );
  await waitFor(
    'GET /sync: s.connected === true',
    async () => (await api(gw.url, 'GET', '/sync')).body,
    (s) => s.connected === true,
  );
});

afterEach(async () => {
  await gw.close();
  await peer.close();
});

async function run(command: CommandV1) {
  peer.send(command);
  const [result] = await waitFor(
    'the command result at central',
    () => peer.appliedOf('commandResult').filter((e) => e.payload.commandId === command.id),
    (list) => list.length > 0,
  );
  return result?.payload;
}

function switchCommand(id: string, pointKey: string, fields: { until?: string; permanent?: true }): CommandV1 {
  const now = Date.now();
  return {
    type: 'command',
    v: 1,
    id,
    pointKey,
    action: 'switch',
    value: true,
    issuedAt: new Date(now).toISOString(),
    notAfter: new Date(now + 60_000).toISOString(),
    ...fields,
  };
}

describe('switch commands from central, until when', () => {
  it('without until, ends at the next transition, and the result says so', async () => {
    const now = new Date();
    const [next] = planTransitions(
      parseSchedule(parseYaml(LIGHTING), 'lighting.yaml'),
      SITE,
      new Date(now.getTime() + 1),
      new Date(now.getTime() + 2 * 86_400_000),
    ).transitions;
    const result = await run(switchCommand('cmd-next', LIT, {}));
    expect(result).toMatchObject({
      status: 'applied',
      until: { form: 'next-transition', at: next?.at.toISOString() },
    });
    expect((await api(gw.url, 'GET', `/outputs/${LIT}`)).body.winner).toMatchObject({
      slot: 10,
      owner: 'command:cmd-next',
      until: 'next-transition',
      expiresAt: next?.at.toISOString(),
    });
    const reported = peer
      .appliedOf('output')
      .filter((e) => e.payload.pointKey === LIT)
      .at(-1);
    expect(reported?.payload.winner).toMatchObject({ slot: 10, until: 'next-transition' });
  });

  it('resolves a local time of the site and reports the instant', async () => {
    const now = new Date();
    const today = localDateOf(now, 'Europe/Paris');
    const [first, second] = [today, addDays(today, 1)].map(
      (date) => resolveLocalTime(date, 2, 0, 0, 'Europe/Paris').instant,
    );
    const expected = first !== undefined && first.getTime() > now.getTime() ? first : second;
    const result = await run(switchCommand('cmd-0200', FREE, { until: '02:00' }));
    expect(result).toMatchObject({ status: 'applied', until: { form: '02:00', at: expected?.toISOString() } });
  });

  it('refuses a switch on an output no programme drives, naming what to give instead', async () => {
    const result = await run(switchCommand('cmd-refused', FREE, {}));
    expect(result).toMatchObject({ status: 'refused' });
    expect((result as { reason: string }).reason).toContain(
      'no programme changes this output within 744 h; give until',
    );
    const permanent = await run(switchCommand('cmd-permanent', FREE, { permanent: true }));
    expect(permanent).toMatchObject({ status: 'applied', until: { form: 'permanent', at: null } });
  });
});
