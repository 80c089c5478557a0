import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alarms about an account (`account.locked`), stored with the gateways' alarms: `alarms.gateway_id` may be null and
 * the new `alarms.account_login` names the account instead; every alarm has exactly one of the two. SQLite cannot
 * change a column's constraints, so the table is copied into its new shape (ids kept).
 */
export class AccountAlarms1796100000000 implements MigrationInterface {
  name = 'AccountAlarms1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.reshape(
      queryRunner,
      `"gateway_id" text REFERENCES "gateways" ("id"),
      "account_login" text REFERENCES "accounts" ("login"),`,
      `CHECK (("gateway_id" IS NULL) <> ("account_login" IS NULL))`,
      'WHERE 1',
    );
    await queryRunner.query(`CREATE INDEX "IDX_alarms_account_key" ON "alarms" ("account_login", "key")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_alarms_account_key"`);
    await this.reshape(
      queryRunner,
      `"gateway_id" text NOT NULL REFERENCES "gateways" ("id"),`,
      '',
      'WHERE "gateway_id" IS NOT NULL',
    );
  }

  private async reshape(queryRunner: QueryRunner, source: string, check: string, where: string): Promise<void> {
    const columns = `"id", "gateway_id", "key", "severity", "message", "raised_at", "raised_seq", "cleared_at",
      "acknowledged_at", "acknowledged_by"`;
    await queryRunner.query(`CREATE TABLE "alarms_reshaped" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, ${source}
      "key" text NOT NULL, "severity" text NOT NULL, "message" text NOT NULL, "raised_at" text NOT NULL,
      "raised_seq" integer NOT NULL, "cleared_at" text, "acknowledged_at" text, "acknowledged_by" text
      ${check === '' ? '' : `, ${check}`})`);
    await queryRunner.query(`INSERT INTO "alarms_reshaped" (${columns}) SELECT ${columns} FROM "alarms" ${where}`);
    await queryRunner.query(`DROP TABLE "alarms"`);
    await queryRunner.query(`ALTER TABLE "alarms_reshaped" RENAME TO "alarms"`);
    await queryRunner.query(`CREATE INDEX "IDX_alarms_gateway_key" ON "alarms" ("gateway_id", "key")`);
  }
}
