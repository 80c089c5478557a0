import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A command the gateway holds (minimum on/off time) says when it applies: `apply_at`, set while it is `held`. */
export class CommandApplyAt1796000000000 implements MigrationInterface {
  name = 'CommandApplyAt1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "commands" ADD COLUMN "apply_at" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "commands" DROP COLUMN "apply_at"`);
  }
}
