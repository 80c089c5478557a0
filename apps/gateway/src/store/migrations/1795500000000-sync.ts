import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Sync1795500000000 implements MigrationInterface {
  name = 'Sync1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outbox_messages" (
        "seq" integer PRIMARY KEY NOT NULL,
        "class" text NOT NULL,
        "payload_json" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "sync_state" (
        "key" text PRIMARY KEY NOT NULL,
        "value_json" text NOT NULL,
        "updated_at" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "command_ledger" (
        "id" text PRIMARY KEY NOT NULL,
        "status" text NOT NULL,
        "not_after" text NOT NULL,
        "result_json" text,
        "updated_at" text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_command_ledger_not_after" ON "command_ledger" ("not_after")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_command_ledger_not_after"`);
    await queryRunner.query(`DROP TABLE "command_ledger"`);
    await queryRunner.query(`DROP TABLE "sync_state"`);
    await queryRunner.query(`DROP TABLE "outbox_messages"`);
  }
}
