import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A `switch` command says when the manual switching it caused ends, as the gateway resolved its `until`: `ends_at`,
 * set from its `held` or `applied` result (null while unknown, and for `permanent`).
 */
export class CommandEndsAt1796200000000 implements MigrationInterface {
  name = 'CommandEndsAt1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "commands" ADD COLUMN "ends_at" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "commands" DROP COLUMN "ends_at"`);
  }
}
