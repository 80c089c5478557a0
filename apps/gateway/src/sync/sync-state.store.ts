import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@beffroi/runtime';
import { SyncStateEntity } from '../store/sync-state.entity';

/** The sync client's durable facts (table `sync_state`), one JSON value per key. */
@Injectable()
export class SyncStateStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async get<T>(key: string, manager: EntityManager = this.dataSource.manager): Promise<T | undefined> {
    const row = await manager.getRepository(SyncStateEntity).findOneBy({ key });
    return row === null ? undefined : (JSON.parse(row.valueJson) as T);
  }

  /** Stores `value` under `key`; pass the transaction's manager to commit it with other writes. */
  async set(key: string, value: unknown, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager
      .getRepository(SyncStateEntity)
      .upsert({ key, valueJson: JSON.stringify(value), updatedAt: this.clock.now().toISOString() }, ['key']);
  }
}
