import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The procès-verbaux de recette made on the gateway (docs/commissioning.md). */
export class CommissioningReports1796350000000 implements MigrationInterface {
  name = 'CommissioningReports1796350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "commissioning_reports" (
        "id" text PRIMARY KEY NOT NULL,
        "created_at" text NOT NULL,
        "run_id" text NOT NULL,
        "report_json" text NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_commissioning_reports_created_at" ON "commissioning_reports" ("created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "commissioning_reports"`);
  }
}
