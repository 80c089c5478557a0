import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An instant as central writes it since it stores reported instants in UTC (`Date.prototype.toISOString`). */
const UTC_INSTANT = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';

/**
 * What an energy report reads (docs/energy.md, "Report benchmark"): each counter's local days split by the tariff's
 * off-peak windows (`history_meter_days`, kept beside the day rollups, with the time zone and windows they were split
 * with), and the switchings of an output from the last one before a period on (an index, and every `at` in UTC so
 * that the text orders as time does).
 *
 * The split depends on central's config, which a migration does not read: the counters that already have rollups are
 * marked in `history_meter_days_pending`, and central splits their days from their quarters when it starts.
 */
export class HistoryMeterDays1796364000000 implements MigrationInterface {
  name = 'HistoryMeterDays1796364000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "history_meter_days" ("gateway_id" text NOT NULL, "point_key" text NOT NULL, "start" integer NOT NULL,
        "end" integer NOT NULL, "peak_increase" real NOT NULL, "off_peak_increase" real NOT NULL,
        "quarters" integer NOT NULL, "resets" integer NOT NULL, "off_peak_key" text NOT NULL,
        PRIMARY KEY ("gateway_id", "point_key", "start")) WITHOUT ROWID`,
    );
    await queryRunner.query(
      `CREATE TABLE "history_meter_days_pending" ("gateway_id" text NOT NULL, "point_key" text NOT NULL,
        PRIMARY KEY ("gateway_id", "point_key")) WITHOUT ROWID`,
    );
    await queryRunner.query(
      `INSERT INTO "history_meter_days_pending" ("gateway_id", "point_key")
         SELECT DISTINCT "gateway_id", "point_key" FROM "history_rollups" WHERE "period" = 'month' AND "kind" = 'counter'`,
    );
    // Switchings stored before central wrote every instant in UTC keep the offset the gateway wrote them with.
    const written = (await queryRunner.query(
      `SELECT "id", "at" FROM "switchings" WHERE "at" NOT GLOB '${UTC_INSTANT}'`,
    )) as { id: number; at: string }[];
    for (const row of written) {
      await queryRunner.query(`UPDATE "switchings" SET "at" = ? WHERE "id" = ?`, [
        new Date(row.at).toISOString(),
        row.id,
      ]);
    }
    // In the order a report reads them (instant, then id) and covering what it reads (the value): a report's bounded
    // reads visit no row of the table and sort nothing.
    await queryRunner.query(
      `CREATE INDEX "switchings_point_at" ON "switchings" ("gateway_id", "point_key", "result", "at", "id",
        "value_json")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "switchings_point_at"`);
    await queryRunner.query(`DROP TABLE "history_meter_days_pending"`);
    await queryRunner.query(`DROP TABLE "history_meter_days"`);
  }
}
