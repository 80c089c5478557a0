import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Central's writes, in transactions. The DataSource runs them and every other query one at a time
 * (`serializeSqliteAccess`, see openCentralDatabase): TypeORM's better-sqlite3 driver has a single connection, and
 * SQLite has one writer anyway.
 */
@Injectable()
export class Database {
  constructor(readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
