import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ControlAndSchedules1795400000000 implements MigrationInterface {
  name = 'ControlAndSchedules1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "switchings" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "at" text NOT NULL,
        "key" text NOT NULL,
        "value_json" text NOT NULL,
        "slot" integer,
        "cause" text NOT NULL,
        "result" text NOT NULL,
        "reason" text,
        "write_id" integer
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_switchings_key_id" ON "switchings" ("key", "id")`);
    await queryRunner.query(`
      CREATE TABLE "bell_rings" (
        "key" text PRIMARY KEY NOT NULL,
        "schedule_id" text NOT NULL,
        "sequence_id" text NOT NULL,
        "due_at" text NOT NULL,
        "state" text NOT NULL,
        "started_at" text,
        "finished_at" text,
        "detail" text
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_bell_rings_due_at" ON "bell_rings" ("due_at")`);
    await queryRunner.query(`
      CREATE TABLE "output_control" (
        "key" text PRIMARY KEY NOT NULL,
        "array_json" text NOT NULL,
        "updated_at" text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "output_control"`);
    await queryRunner.query(`DROP INDEX "IDX_bell_rings_due_at"`);
    await queryRunner.query(`DROP TABLE "bell_rings"`);
    await queryRunner.query(`DROP INDEX "IDX_switchings_key_id"`);
    await queryRunner.query(`DROP TABLE "switchings"`);
  }
}
