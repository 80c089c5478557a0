import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What each gateway said it runs in its last hello (`beffroi-gateway 0.1.0`), for the syndicate's fleet. */
export class GatewaySoftware1796130000000 implements MigrationInterface {
  name = 'GatewaySoftware1796130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "gateways" ADD COLUMN "software_version" text DEFAULT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "gateways" DROP COLUMN "software_version"`);
  }
}
