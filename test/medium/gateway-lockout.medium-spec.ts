import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import {
  cabinetAndBellsBuses,
  control,
  type SimulatorHarness,
  startCabinetAndBells,
} from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

const CIRCUIT = (n: number) => `cabinet:circuit.${n}.command`;
const HOLDER = 'technicien:jdupont';

let sim: SimulatorHarness;
let gw: GatewayHarness;

async function circuit(n: number): Promise<boolean> {
  const state = await control(sim, 'GET', '/devices/cabinet');
  return (state.body as { circuits: { command: boolean }[] }).circuits[n - 1]?.command ?? false;
}

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
  gw = await startGateway(
    cabinetAndBellsBuses(sim, { timeout: '300ms', verifyTimeout: '2s' }),
    mkdtempSync(join(tmpdir(), 'beffroi-lockout-')),
    { config: { control: { minimumOnOff: '0s' } } },
  );
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

describe('the maintenance lock-out belongs to its holder', () => {
  it('refuses a lift by a wrong owner or by no one (naming the holder), and keeps the lock-out', async () => {
    const key = CIRCUIT(1);
    await api(gw.url, 'PUT', `/outputs/${key}/override`, { value: true, permanent: true });
    await api(gw.url, 'PUT', `/outputs/${key}/lockout`, { value: false, owner: HOLDER });
    await waitFor(
      'circuit(1): !on',
      () => circuit(1),
      (on) => !on,
    );

    const wrong = await api(gw.url, 'DELETE', `/outputs/${key}/lockout?owner=mairie:agent`);
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ code: 'LOCKED_OUT' });
    expect(wrong.body.message).toContain(`only ${HOLDER} may lift it`);
    const nobody = await api(gw.url, 'DELETE', `/outputs/${key}/lockout`);
    expect(nobody.status).toBe(400);
    const takeOver = await api(gw.url, 'PUT', `/outputs/${key}/lockout`, { value: true, owner: 'technicien:autre' });
    expect(takeOver.status).toBe(409);
    expect(takeOver.body.message).toContain(`already locked out for maintenance by ${HOLDER}`);
    expect((await api(gw.url, 'GET', `/outputs/${key}`)).body.winner).toMatchObject({ slot: 8, owner: HOLDER });
    expect(await circuit(1)).toBe(false);

    const lifted = await api(gw.url, 'DELETE', `/outputs/${key}/lockout?owner=${HOLDER}`);
    expect(lifted.status).toBe(200);
    expect(lifted.body.winner).toMatchObject({ slot: 10, owner: 'local-api' });
    expect(
      await waitFor(
        'circuit(1): on',
        () => circuit(1),
        (on) => on,
      ),
    ).toBe(true);
  });

  it('a forced lift names who forced it, in the log of switchings', async () => {
    const key = CIRCUIT(2);
    await api(gw.url, 'PUT', `/outputs/${key}/override`, { value: true, permanent: true });
    await api(gw.url, 'PUT', `/outputs/${key}/lockout`, { value: false, owner: HOLDER });
    await waitFor(
      'circuit(2): !on',
      () => circuit(2),
      (on) => !on,
    );

    const noBy = await api(gw.url, 'DELETE', `/outputs/${key}/lockout?force=true`);
    expect(noBy.status).toBe(400);
    const forced = await api(gw.url, 'DELETE', `/outputs/${key}/lockout?force=true&by=admin@useda`);
    expect(forced.status).toBe(200);
    expect(forced.body.winner).toMatchObject({ slot: 10, owner: 'local-api' });
    const switchings = await waitFor(
      'GET /switchings?key=${key}&limit=1: list[0]?.cause === "lockout-forced:admin@useda"',
      async () =>
        (await api(gw.url, 'GET', `/switchings?key=${key}&limit=1`)).body as { cause: string; value: boolean }[],
      (list) => list[0]?.cause === 'lockout-forced:admin@useda',
    );
    expect(switchings[0]).toMatchObject({
      cause: 'lockout-forced:admin@useda',
      value: true,
      slot: 10,
      result: 'applied',
    });
    expect(await circuit(2)).toBe(true);
  });
});
