import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialCentralSchema1795600000000 implements MigrationInterface {
  name = 'InitialCentralSchema1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "syndicates" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL)`,
      `CREATE TABLE "communes" (
        "insee" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "department" text NOT NULL,
        "syndicate_id" text REFERENCES "syndicates" ("id"))`,
      `CREATE INDEX "IDX_communes_syndicate" ON "communes" ("syndicate_id")`,
      `CREATE TABLE "accounts" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "login" text NOT NULL UNIQUE, "name" text NOT NULL,
        "role" text NOT NULL, "syndicate_id" text REFERENCES "syndicates" ("id"),
        "commune_insee" text REFERENCES "communes" ("insee"), "password_hash" text NOT NULL,
        "created_at" text NOT NULL, "disabled_at" text,
        CHECK (("syndicate_id" IS NULL) <> ("commune_insee" IS NULL)))`,
      `CREATE TABLE "sessions" (
        "token_hash" text PRIMARY KEY NOT NULL, "account_id" integer NOT NULL REFERENCES "accounts" ("id"),
        "created_at" text NOT NULL, "last_used_at" text NOT NULL, "ended_at" text)`,
      `CREATE TABLE "enrolment_codes" (
        "code_hash" text PRIMARY KEY NOT NULL, "commune_insee" text NOT NULL REFERENCES "communes" ("insee"),
        "created_by" text NOT NULL, "created_at" text NOT NULL, "expires_at" text NOT NULL, "used_at" text,
        "gateway_id" text)`,
      `CREATE TABLE "gateways" (
        "id" text PRIMARY KEY NOT NULL, "commune_insee" text NOT NULL REFERENCES "communes" ("insee"),
        "credential_hash" text NOT NULL UNIQUE, "enrolled_at" text NOT NULL, "revoked_at" text,
        "last_seen_at" text, "clock_offset_ms" real, "desired_version" integer NOT NULL,
        "desired_json" text NOT NULL, "applied_version" integer NOT NULL, "inbox_applied_up_to" integer NOT NULL,
        "inbox_held_json" text NOT NULL, "health_json" text)`,
      `CREATE INDEX "IDX_gateways_commune" ON "gateways" ("commune_insee")`,
      `CREATE TABLE "desired_changes" (
        "gateway_id" text NOT NULL REFERENCES "gateways" ("id"), "version" integer NOT NULL,
        "base_version" integer NOT NULL, "changes_json" text NOT NULL, "at" text NOT NULL,
        PRIMARY KEY ("gateway_id", "version"))`,
      `CREATE TABLE "point_values" (
        "gateway_id" text NOT NULL REFERENCES "gateways" ("id"), "point_key" text NOT NULL,
        "value_json" text NOT NULL, "quality_json" text NOT NULL, "observed_at" text, "received_at" text NOT NULL,
        "seq" integer NOT NULL, PRIMARY KEY ("gateway_id", "point_key"))`,
      `CREATE TABLE "outputs" (
        "gateway_id" text NOT NULL REFERENCES "gateways" ("id"), "point_key" text NOT NULL,
        "explain_json" text NOT NULL, "seq" integer NOT NULL, PRIMARY KEY ("gateway_id", "point_key"))`,
      `CREATE TABLE "switchings" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "gateway_id" text NOT NULL REFERENCES "gateways" ("id"),
        "seq" integer NOT NULL, "point_key" text NOT NULL, "value_json" text NOT NULL, "slot" integer,
        "source" text NOT NULL, "command_id" text, "result" text NOT NULL, "reason" text, "at" text NOT NULL)`,
      `CREATE UNIQUE INDEX "IDX_switchings_gateway_seq" ON "switchings" ("gateway_id", "seq")`,
      `CREATE TABLE "alarms" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "gateway_id" text NOT NULL REFERENCES "gateways" ("id"),
        "key" text NOT NULL, "severity" text NOT NULL, "message" text NOT NULL, "raised_at" text NOT NULL,
        "raised_seq" integer NOT NULL, "cleared_at" text, "acknowledged_at" text, "acknowledged_by" text)`,
      `CREATE INDEX "IDX_alarms_gateway_key" ON "alarms" ("gateway_id", "key")`,
      `CREATE TABLE "commands" (
        "id" text PRIMARY KEY NOT NULL, "gateway_id" text NOT NULL REFERENCES "gateways" ("id"),
        "message_json" text NOT NULL, "issued_by" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL,
        "reason" text, "not_after" text NOT NULL, "created_at" text NOT NULL, "updated_at" text NOT NULL)`,
      `CREATE INDEX "IDX_commands_gateway_status" ON "commands" ("gateway_id", "status")`,
      `CREATE TABLE "pushes" (
        "id" text PRIMARY KEY NOT NULL, "schedule_id" text NOT NULL, "item_json" text NOT NULL,
        "syndicate_id" text, "created_by" text NOT NULL, "created_at" text NOT NULL)`,
      `CREATE TABLE "push_targets" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "push_id" text NOT NULL REFERENCES "pushes" ("id"),
        "commune_insee" text NOT NULL REFERENCES "communes" ("insee"), "gateway_id" text, "version" integer)`,
      `CREATE INDEX "IDX_push_targets_push" ON "push_targets" ("push_id")`,
      `CREATE TABLE "audit_log" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" text NOT NULL, "actor" text NOT NULL,
        "action" text NOT NULL, "commune_insee" text, "syndicate_id" text, "target" text NOT NULL,
        "result" text NOT NULL, "detail_json" text)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'push_targets',
      'pushes',
      'commands',
      'alarms',
      'switchings',
      'outputs',
      'point_values',
      'desired_changes',
      'gateways',
      'enrolment_codes',
      'sessions',
      'accounts',
      'communes',
      'syndicates',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
