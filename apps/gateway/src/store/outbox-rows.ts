import type { OutboxEnvelope } from '@beffroi/sync';
import { withSqliteConnection } from '@beffroi/runtime';
import type { DataSource } from 'typeorm';
import { type SqliteConnection, type SqliteStatement, sqliteConnectionOf } from './gateway-data-source';

interface OutboxStatements {
  insert: SqliteStatement;
  remove: SqliteStatement;
}

const prepared = new WeakMap<SqliteConnection, OutboxStatements>();

function statementsOf(connection: SqliteConnection): OutboxStatements {
  let statements = prepared.get(connection);
  if (statements === undefined) {
    statements = {
      insert: connection.prepare('INSERT INTO "outbox_messages" ("seq", "class", "payload_json") VALUES (?, ?, ?)'),
      remove: connection.prepare('DELETE FROM "outbox_messages" WHERE "seq" = ?'),
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
