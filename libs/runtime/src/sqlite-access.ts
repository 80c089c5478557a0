import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

type Work<T> = (manager: EntityManager) => Promise<T>;

/** Per serialized DataSource: runs `work` in its queue, or at once inside one of its transactions. */
const runners = new WeakMap<DataSource, <T>(work: () => T) => Promise<T>>();

/**
 * TypeORM's better-sqlite3 driver runs every query of a DataSource on ONE connection. Two transactions started at
 * once would interleave there (a BEGIN inside a BEGIN, one COMMIT ending the other's transaction), and a query made
 * outside a transaction while one is open would run inside it — committed or rolled back with work it has nothing
 * to do with. After this call the DataSource runs its transactions and its other queries one at a time, in the order
 * they were asked for; the queries of a transaction (told apart by their async context) run inside it at once.
 * A transaction's work must therefore not wait for a query it did not start itself (it would wait for itself).
 * `save` and `remove` begin transactions of their own, statement by statement, outside this queue: write with
 * insert/update/upsert/delete instead, in a transaction when several writes belong together.
 */
export function serializeSqliteAccess(dataSource: DataSource): void {
  const inTransaction = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as <T>(work: Work<T>) => Promise<T>;
  const serialized = <T>(work: Work<T>): Promise<T> =>
    inTransaction.getStore() === true
      ? transaction(work)
      : enqueue(() => inTransaction.run(true, () => transaction(work)));
  manager.transaction = serialized as EntityManager['transaction'];

  // The driver hands out one query runner for the whole DataSource (the one connection).
  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) =>
    inTransaction.getStore() === true ? query(...args) : enqueue(() => query(...args))) as typeof runner.query;

  runners.set(dataSource, <T>(work: () => T) =>
    inTransaction.getStore() === true ? Promise.resolve().then(work) : enqueue(() => Promise.resolve().then(work)),
  );
}

/**
 * Runs `work`, which uses the DataSource's one connection directly (prepared better-sqlite3 statements, its own
 * `db.transaction`), in the same queue as the DataSource's transactions and queries: never inside a transaction of
 * TypeORM's (it would be committed or rolled back with it), never while one is open. `work` is synchronous, as
 * better-sqlite3 is, so nothing else runs on the connection meanwhile. Inside a transaction of the DataSource it runs
 * within it, as its other queries do. The DataSource must have gone through {@link serializeSqliteAccess}.
 */
export function withSqliteConnection<T>(dataSource: DataSource, work: () => T): Promise<T> {
  const run = runners.get(dataSource);
  if (run === undefined) throw new Error('withSqliteConnection: call serializeSqliteAccess on this DataSource first');
  return run(work);
}
