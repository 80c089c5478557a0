import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { serializeSqliteAccess, withSqliteConnection } from './sqlite-access';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The parts of a better-sqlite3 connection these tests use. */
interface Connection {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction(work: () => void): () => void;
}

describe('serializeSqliteAccess', () => {
  let dir: string;
  let dataSource: DataSource;
  let connection: Connection | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beffroi-sqlite-access-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      prepareDatabase: (db: Connection) => {
        connection = db;
      },
    }).initialize();
    await dataSource.query('CREATE TABLE record (name TEXT NOT NULL)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async () =>
    (await dataSource.query<{ name: string }[]>('SELECT name FROM record ORDER BY rowid')).map((r) => r.name);

  /** A transaction that writes, waits (another caller writes meanwhile), then fails and rolls back. */
  const failingTransaction = () =>
    dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO record (name) VALUES ('rolled back')");
      await pause(30);
      throw new Error('fails after its write');
    });

  it('keeps a write made outside an open transaction out of it: the rollback does not take it', async () => {
    serializeSqliteAccess(dataSource);
    const failing = failingTransaction();
    await pause(5);
    await dataSource.query("INSERT INTO record (name) VALUES ('outside')");
    await expect(failing).rejects.toThrow('fails after its write');
    expect(await names()).toEqual(['outside']);
  });

  it('without it, the same write is lost with the rollback (what this guards against)', async () => {
    const failing = failingTransaction();
    await pause(5);
    await dataSource.query("INSERT INTO record (name) VALUES ('outside')");
    await expect(failing).rejects.toThrow('fails after its write');
    expect(await names()).toEqual([]);
  });

  it('runs concurrent transactions one after the other, in the order they were asked for', async () => {
    serializeSqliteAccess(dataSource);
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        dataSource.transaction(async (manager) => {
          await manager.query('INSERT INTO record (name) VALUES (?)', [`${name}1`]);
          await pause(10);
          await manager.query('INSERT INTO record (name) VALUES (?)', [`${name}2`]);
        }),
      ),
    );
    expect(await names()).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  });

  it('runs a transaction started inside another one within it, not behind it', async () => {
    serializeSqliteAccess(dataSource);
    await dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO record (name) VALUES ('outer')");
      await dataSource.transaction((inner) => inner.query("INSERT INTO record (name) VALUES ('inner')"));
    });
    expect(await names()).toEqual(['outer', 'inner']);
  });

  /** A write on the connection itself, in a better-sqlite3 transaction of its own. */
  const rawWrite = (name: string) => {
    if (connection === undefined) throw new Error('no connection');
    const insert = connection.prepare('INSERT INTO record (name) VALUES (?)');
    connection.transaction(() => insert.run(name))();
  };

  it('runs work on the connection itself between transactions, not inside one: the rollback does not take it', async () => {
    serializeSqliteAccess(dataSource);
    const failing = failingTransaction();
    await pause(5);
    await withSqliteConnection(dataSource, () => rawWrite('direct'));
    await expect(failing).rejects.toThrow('fails after its write');
    expect(await names()).toEqual(['direct']);
  });

  it('without the queue, the same direct write becomes a savepoint of the open transaction and is lost with it', async () => {
    const failing = failingTransaction();
    await pause(5);
    rawWrite('direct');
    await expect(failing).rejects.toThrow('fails after its write');
    expect(await names()).toEqual([]);
  });

  it('refuses direct work on a DataSource that is not serialized, saying what to do', () => {
    expect(() => withSqliteConnection(dataSource, () => rawWrite('direct'))).toThrow(/call serializeSqliteAccess/);
  });
});
