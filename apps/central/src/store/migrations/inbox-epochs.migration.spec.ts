import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openCentralDatabase } from '../central-data-source';
import { GatewayEntity, SwitchingEntity } from '../entities';
import { InitialCentralSchema1795600000000 } from './1795600000000-initial-central-schema';

describe('migration to inbox epochs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-central-migration-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the switchings and inboxes of a database made before epochs, as epoch 0, and keys by (gateway, epoch, seq)', async () => {
    const path = join(dir, 'central.sqlite');
    const before = new DataSource({
      type: 'better-sqlite3',
      database: path,
      migrations: [InitialCentralSchema1795600000000],
      migrationsRun: true,
    });
    await before.initialize();
    await before.query(
      `INSERT INTO "communes" ("insee", "name", "department") VALUES ('02691', 'Saint-Quentin', '02')`,
    );
    await before.query(
      `INSERT INTO "gateways" VALUES ('gw-old', '02691', 'hash', '2027-01-01T00:00:00Z', NULL, NULL, NULL, 0, '{}', 0,
        7, '[]', NULL)`,
    );
    await before.query(
      `INSERT INTO "switchings" ("gateway_id", "seq", "point_key", "value_json", "source", "result", "at")
       VALUES ('gw-old', 7, 'cabinet:circuit.1.command', 'true', 'schedule:eclairage', 'applied', '2027-01-01T18:00:00Z')`,
    );
    await before.destroy();

    const after = await openCentralDatabase(path);
    try {
      expect(await after.getRepository(GatewayEntity).findOneByOrFail({ id: 'gw-old' })).toMatchObject({
        inboxAppliedUpTo: 7,
        inboxEpoch: 0,
        inboxIncarnation: null,
      });
      const switchings = after.getRepository(SwitchingEntity);
      expect(await switchings.find()).toEqual([expect.objectContaining({ gatewayId: 'gw-old', epoch: 0, seq: 7 })]);
      const again = {
        gatewayId: 'gw-old',
        seq: 7,
        pointKey: 'cabinet:circuit.1.command',
        valueJson: 'false',
        slot: null,
        source: 'schedule:eclairage',
        commandId: null,
        result: 'applied',
        reason: null,
        at: '2027-01-02T18:00:00Z',
      };
      await switchings.insert({ ...again, epoch: 1 });
      await expect(switchings.insert({ ...again, epoch: 1 })).rejects.toThrow(/UNIQUE constraint failed/);
    } finally {
      await after.destroy();
    }
  });
});
