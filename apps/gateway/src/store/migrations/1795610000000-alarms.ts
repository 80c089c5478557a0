import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's alarms table. The equipment-offline alarms the health reporter kept raised in `sync_state`
 * (`alarms.equipment`, a list of equipment ids) become active rows, so a gateway upgraded while one is raised still
 * clears it (without raising it again) when the equipment answers.
 */
export class Alarms1795610000000 implements MigrationInterface {
  name = 'Alarms1795610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "alarms" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "key" text NOT NULL,
        "source" text NOT NULL,
        "severity" text NOT NULL,
        "message" text NOT NULL,
        "equipment_id" text NOT NULL,
        "point_id" text,
        "details_json" text,
        "raised_at" text NOT NULL,
        "cleared_at" text
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_alarms_active_key" ON "alarms" ("key") WHERE "cleared_at" IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_alarms_cleared_at" ON "alarms" ("cleared_at")`);
    await queryRunner.query(`
      INSERT INTO "alarms" ("key", "source", "severity", "message", "equipment_id", "raised_at")
      SELECT 'equipment:' || raised.value, 'equipment-offline', 'critical', raised.value || ' is offline',
             raised.value, state.updated_at
      FROM "sync_state" state, json_each(state.value_json) raised
      WHERE state.key = 'alarms.equipment'`);
    await queryRunner.query(`DELETE FROM "sync_state" WHERE "key" = 'alarms.equipment'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO "sync_state" ("key", "value_json", "updated_at")
      SELECT 'alarms.equipment', json_group_array("equipment_id"), max("raised_at")
      FROM "alarms" WHERE "source" = 'equipment-offline' AND "cleared_at" IS NULL
      HAVING count(*) > 0`);
    await queryRunner.query(`DROP INDEX "IDX_alarms_cleared_at"`);
    await queryRunner.query(`DROP INDEX "IDX_alarms_active_key"`);
    await queryRunner.query(`DROP TABLE "alarms"`);
  }
}
