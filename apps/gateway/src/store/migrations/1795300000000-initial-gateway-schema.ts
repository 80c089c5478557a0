import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialGatewaySchema1795300000000 implements MigrationInterface {
  name = 'InitialGatewaySchema1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "point_values" (
        "key" text PRIMARY KEY NOT NULL,
        "value_json" text NOT NULL,
        "quality" text NOT NULL,
        "reason" text,
        "observed_at" text,
        "received_at" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "write_records" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "key" text NOT NULL,
        "value_json" text NOT NULL,
        "source" text NOT NULL,
        "requested_at" text NOT NULL,
        "not_after" text NOT NULL,
        "status" text NOT NULL,
        "reason" text,
        "finished_at" text
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_write_records_status" ON "write_records" ("status")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_write_records_status"`);
    await queryRunner.query(`DROP TABLE "write_records"`);
    await queryRunner.query(`DROP TABLE "point_values"`);
  }
}
