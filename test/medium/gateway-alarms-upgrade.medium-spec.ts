import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { GATEWAY_MIGRATIONS } from '../../apps/gateway/src/store/gateway-data-source';
import { api, type GatewayHarness, startGateway } from '../support/gateway-harness';
import { type SimulatorHarness, startCabinetAndBells } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

interface Alarm {
  key: string;
  source: string;
  since: string;
  clearedAt: string | null;
}

let sim: SimulatorHarness;
let dir: string;
let gw: GatewayHarness | undefined;

beforeAll(async () => {
  sim = await startCabinetAndBells({ feedbackDelay: '20ms', strikePulse: '100ms' });
  dir = mkdtempSync(join(tmpdir(), 'beffroi-alarms-upgrade-'));
});

afterAll(async () => {
  await gw?.app.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a gateway upgraded while an equipment-offline alarm is raised', () => {
  it('still knows the alarm (raised when the health reporter kept it) and clears it once the equipment answers', async () => {
    // The store as the release before the alarms table left it: the alarm raised, listed in sync_state.
    const before = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'gateway.sqlite'),
      migrations: GATEWAY_MIGRATIONS.filter((migration) => migration.name !== 'Alarms1795610000000'),
      migrationsRun: true,
    });
    await before.initialize();
    await before.query(
      `INSERT INTO sync_state (key, value_json, updated_at) VALUES ('alarms.equipment', '["cabinet"]', '2027-01-04T18:00:00.000Z')`,
    );
    await before.destroy();

    gw = await startGateway(
      [
        {
          id: 'street',
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.ports.street,
          equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1 }],
        },
      ],
      dir,
    );
    const alarms = async () => (await api(gw!.url, 'GET', '/alarms')).body as { active: Alarm[]; cleared: Alarm[] };
    expect((await alarms()).active).toEqual([
      expect.objectContaining({
        key: 'equipment:cabinet',
        source: 'equipment-offline',
        since: '2027-01-04T18:00:00.000Z',
        clearedAt: null,
      }),
    ]);
    const after = await waitFor('alarms: a.active.length === 0', alarms, (a) => a.active.length === 0);
    expect(after.cleared.map((a) => [a.key, a.since])).toEqual([['equipment:cabinet', '2027-01-04T18:00:00.000Z']]);
  });
});
