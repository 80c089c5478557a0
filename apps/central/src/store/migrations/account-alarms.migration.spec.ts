import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openCentralDatabase } from '../central-data-source';
import { AlarmEntity } from '../entities';
import { InitialCentralSchema1795600000000 } from './1795600000000-initial-central-schema';

describe('migration to alarms about accounts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-central-migration-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the gateways' alarms with their ids, and takes an alarm about an account but never one about both or neither", async () => {
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
        0, '[]', NULL)`,
    );
    await before.query(
      `INSERT INTO "alarms" ("id", "gateway_id", "key", "severity", "message", "raised_at", "raised_seq")
       VALUES (17, 'gw-old', 'cabinet:door.open', 'warning', 'door open', '2027-01-01T18:00:00Z', 3)`,
    );
    await before.query(
      `INSERT INTO "accounts" ("login", "name", "role", "commune_insee", "password_hash", "created_at")
       VALUES ('agent@02691', 'Agent', 'commune-staff', '02691', 'hash', '2027-01-01T00:00:00Z')`,
    );
    await before.destroy();

    const after = await openCentralDatabase(path);
    try {
      const alarms = after.getRepository(AlarmEntity);
      expect(await alarms.findOneByOrFail({ id: 17 })).toMatchObject({
        gatewayId: 'gw-old',
        accountLogin: null,
        key: 'cabinet:door.open',
        raisedSeq: 3,
      });
      const alarm = {
        key: 'account.locked',
        severity: 'warning',
        message: 'locked',
        raisedAt: '2027-01-02T00:00:00Z',
        raisedSeq: 0,
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
      };
      await alarms.insert({ ...alarm, gatewayId: null, accountLogin: 'agent@02691' });
      await expect(alarms.insert({ ...alarm, gatewayId: 'gw-old', accountLogin: 'agent@02691' })).rejects.toThrow(
        /CHECK constraint failed/,
      );
      await expect(alarms.insert({ ...alarm, gatewayId: null, accountLogin: null })).rejects.toThrow(
        /CHECK constraint failed/,
      );
      await expect(alarms.insert({ ...alarm, gatewayId: null, accountLogin: 'nobody' })).rejects.toThrow(
        /FOREIGN KEY constraint failed/,
      );
    } finally {
      await after.destroy();
    }
  });
});
