import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Every write to central's database goes through here, one transaction at a time. TypeORM's better-sqlite3 driver
 * has a single connection: two transactions started from concurrent requests would interleave on it ("cannot start
 * a transaction within a transaction"), and a write made outside a transaction while another is open would be
 * committed or rolled back with it. SQLite has one writer anyway.
 */
@Injectable()
export class Database {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
