import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbox epochs: a gateway whose outbox starts over (its SQLite wiped, an old backup restored) numbers its messages
 * from 1 again, so what central stores from it is keyed by (gateway, epoch, seq). Existing rows are epoch 0.
 */
export class InboxEpochs1795710000000 implements MigrationInterface {
  name = 'InboxEpochs1795710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "gateways" ADD COLUMN "inbox_incarnation" text`);
    await queryRunner.query(`ALTER TABLE "gateways" ADD COLUMN "inbox_epoch" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "switchings" ADD COLUMN "epoch" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`DROP INDEX "IDX_switchings_gateway_seq"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_switchings_gateway_epoch_seq" ON "switchings" ("gateway_id", "epoch", "seq")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_switchings_gateway_epoch_seq"`);
    await queryRunner.query(`DELETE FROM "switchings" WHERE "epoch" <> 0`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_switchings_gateway_seq" ON "switchings" ("gateway_id", "seq")`);
    await queryRunner.query(`ALTER TABLE "switchings" DROP COLUMN "epoch"`);
    await queryRunner.query(`ALTER TABLE "gateways" DROP COLUMN "inbox_epoch"`);
    await queryRunner.query(`ALTER TABLE "gateways" DROP COLUMN "inbox_incarnation"`);
  }
}
