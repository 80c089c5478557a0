import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The procès-verbaux de recette gateways send (docs/commissioning.md): one row per report id. */
export class CommissioningReports1796361000000 implements MigrationInterface {
  name = 'CommissioningReports1796361000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "commissioning_reports" ("id" text PRIMARY KEY NOT NULL, "gateway_id" text NOT NULL,
        "commune_insee" text NOT NULL, "created_at" text NOT NULL, "received_at" text NOT NULL, "engineer" text NOT NULL,
        "run_state" text NOT NULL, "passed" integer NOT NULL, "failed" integer NOT NULL, "skipped" integer NOT NULL,
        "pending" integer NOT NULL, "equipment" text NOT NULL, "sites" text NOT NULL, "report_json" text NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "commissioning_reports_commune" ON "commissioning_reports" ("commune_insee", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "commissioning_reports_commune"`);
    await queryRunner.query(`DROP TABLE "commissioning_reports"`);
  }
}
