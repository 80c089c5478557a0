import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The quarters of readings gateways folded while central was out of reach (docs/energy.md): one per point and
 * quarter, so a bucket sent again is ignored.
 */
export class HistoryBuckets1796340000000 implements MigrationInterface {
  name = 'HistoryBuckets1796340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "history_buckets" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "start" integer NOT NULL,
        "count" integer NOT NULL, "min" real NOT NULL, "max" real NOT NULL, "sum" real NOT NULL, "last" real NOT NULL,
        "last_at" integer NOT NULL, PRIMARY KEY ("gateway_id", "point_key", "start")) WITHOUT ROWID`,
    );
    await queryRunner.query(`CREATE INDEX "history_buckets_start" ON "history_buckets" ("start")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "history_buckets_start"`);
    await queryRunner.query(`DROP TABLE "history_buckets"`);
  }
}
