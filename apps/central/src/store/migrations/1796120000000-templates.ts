import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Syndicate templates (by tag, versioned with their history) and what a template push bound on each gateway: the
 * template and version of a push, the outputs each target bound to or why it bound none.
 */
export class Templates1796120000000 implements MigrationInterface {
  name = 'Templates1796120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "templates" (
      "syndicate_id" text NOT NULL REFERENCES "syndicates" ("id"), "id" text NOT NULL, "name" text NOT NULL,
      "version" integer NOT NULL, "item_json" text NOT NULL, "created_by" text NOT NULL, "created_at" text NOT NULL,
      "updated_by" text NOT NULL, "updated_at" text NOT NULL, PRIMARY KEY ("syndicate_id", "id"))`);
    await queryRunner.query(`CREATE TABLE "template_versions" (
      "syndicate_id" text NOT NULL, "template_id" text NOT NULL, "version" integer NOT NULL, "name" text NOT NULL,
      "item_json" text NOT NULL, "author" text NOT NULL, "at" text NOT NULL, "comment" text,
      PRIMARY KEY ("syndicate_id", "template_id", "version"),
      FOREIGN KEY ("syndicate_id", "template_id") REFERENCES "templates" ("syndicate_id", "id"))`);
    await queryRunner.query(`ALTER TABLE "pushes" ADD COLUMN "template_id" text`);
    await queryRunner.query(`ALTER TABLE "pushes" ADD COLUMN "template_version" integer`);
    await queryRunner.query(`ALTER TABLE "push_targets" ADD COLUMN "bound_json" text`);
    await queryRunner.query(`ALTER TABLE "push_targets" ADD COLUMN "reason" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_targets" DROP COLUMN "reason"`);
    await queryRunner.query(`ALTER TABLE "push_targets" DROP COLUMN "bound_json"`);
    await queryRunner.query(`ALTER TABLE "pushes" DROP COLUMN "template_version"`);
    await queryRunner.query(`ALTER TABLE "pushes" DROP COLUMN "template_id"`);
    await queryRunner.query(`DROP TABLE "template_versions"`);
    await queryRunner.query(`DROP TABLE "templates"`);
  }
}
