import type { OutboxEnvelope } from '@beffroi/sync';
import { withSqliteConnection } from '@beffroi/runtime';
import type { DataSource } from 'typeorm';
import { type SqliteConnection, type SqliteStatement, sqliteConnectionOf } from './gateway-data-source';

interface OutboxStatements {
  insert: SqliteStatement;
  remove: SqliteStatement;
  state: SqliteStatement;
}

const prepared = new WeakMap<SqliteConnection, OutboxStatements>();

function statementsOf(connection: SqliteConnection): OutboxStatements {
  let statements = prepared.get(connection);
  if (statements === undefined) {
    statements = {
      insert: connection.prepare('INSERT INTO "outbox_messages" ("seq", "class", "payload_json") VALUES (?, ?, ?)'),
      remove: connection.prepare('DELETE FROM "outbox_messages" WHERE "seq" = ?'),
      state: connection.prepare(
        'INSERT INTO "sync_state" ("key", "value_json", "updated_at") VALUES (?, ?, ?) ' +
          'ON CONFLICT ("key") DO UPDATE SET "value_json" = excluded."value_json", "updated_at" = excluded."updated_at"',
      ),
    };
    prepared.set(connection, statements);
  }
  return statements;
}

/**
 * Stores outbox messages (table `outbox_messages`, see {@link OutboxMessageEntity}) with prepared statements: the
 * telemetry of every point passes here. Meant to run inside a transaction of the DataSource, where it joins it.
 */
export function insertOutboxRows(dataSource: DataSource, envelopes: readonly OutboxEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return Promise.resolve();
  return withSqliteConnection(dataSource, () => {
    const { insert } = statementsOf(sqliteConnectionOf(dataSource));
    for (const envelope of envelopes) insert.run(envelope.seq, envelope.class, JSON.stringify(envelope.payload));
  });
}

/** Deletes outbox messages by seq, as {@link insertOutboxRows} stores them (inside a transaction of the DataSource). */
export function deleteOutboxRows(dataSource: DataSource, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return Promise.resolve();
  return withSqliteConnection(dataSource, () => {
    const { remove } = statementsOf(sqliteConnectionOf(dataSource));
    for (const seq of seqs) remove.run(seq);
  });
}

/** What one append or ack changes in the outbox's table, and the `sync_state` fact stored with it. */
export interface OutboxRowChange {
  inserted: readonly OutboxEnvelope[];
  deleted: readonly number[];
  /** A `sync_state` row (JSON value) committed with the messages: the outbox's next seq. */
  state?: { key: string; value: unknown; updatedAt: string };
}

/**
 * Commits `change` in one transaction of prepared statements, in the DataSource's queue (`withSqliteConnection`):
 * the path of the telemetry of every point, without the ORM's transaction and repository round trips. Nothing of it is
 * stored if any statement fails.
 */
export function commitOutboxRows(dataSource: DataSource, change: OutboxRowChange): Promise<void> {
  const { inserted, deleted, state } = change;
  if (inserted.length === 0 && deleted.length === 0 && state === undefined) return Promise.resolve();
  return withSqliteConnection(dataSource, () => {
    const connection = sqliteConnectionOf(dataSource);
    const statements = statementsOf(connection);
    connection.transaction(() => {
      for (const envelope of inserted) {
        statements.insert.run(envelope.seq, envelope.class, JSON.stringify(envelope.payload));
      }
      for (const seq of deleted) statements.remove.run(seq);
      if (state !== undefined) statements.state.run(state.key, JSON.stringify(state.value), state.updatedAt);
    })();
  });
}
