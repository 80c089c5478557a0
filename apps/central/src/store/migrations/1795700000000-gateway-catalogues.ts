import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What each gateway has (its catalogue) and what it made of its last desired version (refused items). */
export class GatewayCatalogues1795700000000 implements MigrationInterface {
  name = 'GatewayCatalogues1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "gateway_catalogues" (
      "gateway_id" text PRIMARY KEY NOT NULL REFERENCES "gateways" ("id"), "hash" text NOT NULL,
      "equipment_json" text NOT NULL, "schedules_json" text NOT NULL, "received_at" text NOT NULL)`);
    await queryRunner.query(`CREATE TABLE "gateway_desired_results" (
      "gateway_id" text PRIMARY KEY NOT NULL REFERENCES "gateways" ("id"), "version" integer NOT NULL,
      "refused_json" text NOT NULL, "at" text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "gateway_desired_results"`);
    await queryRunner.query(`DROP TABLE "gateway_catalogues"`);
  }
}
