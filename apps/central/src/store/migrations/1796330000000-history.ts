import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history store (docs/energy.md): raw samples of reported measures and counters, their quarter, day and month
 * rollups, and the points whose rollups a run must redo. Keys make every write an idempotent upsert.
 */
export class History1796330000000 implements MigrationInterface {
  name = 'History1796330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "history_samples" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "at" integer NOT NULL,
        "value" real NOT NULL, PRIMARY KEY ("gateway_id", "point_key", "at")) WITHOUT ROWID`,
    );
    await queryRunner.query(`CREATE INDEX "history_samples_at" ON "history_samples" ("at")`);
    await queryRunner.query(
      `CREATE TABLE "history_rollups" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "period" text NOT NULL,
        "start" integer NOT NULL, "end" integer NOT NULL, "kind" text NOT NULL, "count" integer NOT NULL,
        "min" real NOT NULL, "max" real NOT NULL, "sum" real NOT NULL, "mean" real NOT NULL, "last" real NOT NULL,
        "last_at" integer NOT NULL, "increase" real NOT NULL, "resets" integer NOT NULL, "quarters" integer NOT NULL,
        "expected_quarters" integer NOT NULL, PRIMARY KEY ("gateway_id", "point_key", "period", "start")) WITHOUT ROWID`,
    );
    await queryRunner.query(
      `CREATE TABLE "history_pending" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "from" integer NOT NULL,
        PRIMARY KEY ("gateway_id", "point_key")) WITHOUT ROWID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "history_pending"`);
    await queryRunner.query(`DROP TABLE "history_rollups"`);
    await queryRunner.query(`DROP INDEX "history_samples_at"`);
    await queryRunner.query(`DROP TABLE "history_samples"`);
  }
}
