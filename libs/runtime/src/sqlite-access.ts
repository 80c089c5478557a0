import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

type Work<T> = (manager: EntityManager) => Promise<T>;

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
}
