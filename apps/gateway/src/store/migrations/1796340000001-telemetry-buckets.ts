import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The open 15-minute buckets of the points' readings while central is out of reach (docs/sync.md "Buckets"). */
export class TelemetryBuckets1796340000001 implements MigrationInterface {
  name = 'TelemetryBuckets1796340000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "telemetry_buckets" (
        "point_key" text PRIMARY KEY NOT NULL,
        "start" integer NOT NULL,
        "count" integer NOT NULL,
        "min" real NOT NULL,
        "max" real NOT NULL,
        "sum" real NOT NULL,
        "last" real NOT NULL,
        "last_at" integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "telemetry_buckets"`);
  }
}
