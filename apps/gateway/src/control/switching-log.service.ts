import { Injectable } from '@nestjs/common';
import type { PointScalar } from '@beffroi/domain';
import type { SwitchingResult } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { SwitchingEntity } from '../store/switching.entity';
import { OutboxService } from '../sync/outbox.service';
import { switchingMessage } from '../sync/report-messages';

export interface Switching {
  at: Date;
  key: string;
  value: PointScalar;
  slot: number | null;
  cause: string;
  result: SwitchingResult;
  reason?: string | undefined;
  writeId?: number | undefined;
}

/**
 * The record of every switching (the gateway's answer to "what happened to this output, and why"). Each one is
 * queued for central (class `switching`) in the same transaction as its row, so none is ever lost on the way.
 */
@Injectable()
export class SwitchingLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async record(switching: Switching): Promise<void> {
    await this.outbox.append(switchingMessage(switching), (manager) =>
      manager.getRepository(SwitchingEntity).insert({
        at: switching.at.toISOString(),
        key: switching.key,
        valueJson: JSON.stringify(switching.value),
        slot: switching.slot,
        cause: switching.cause,
        result: switching.result,
        reason: switching.reason ?? null,
        writeId: switching.writeId ?? null,
      }),
    );
  }

  async recent(limit: number, key?: string) {
    const rows = await this.dataSource
      .getRepository(SwitchingEntity)
      .find({ where: key === undefined ? {} : { key }, order: { id: 'DESC' }, take: limit });
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      key: row.key,
      value: JSON.parse(row.valueJson) as PointScalar,
      slot: row.slot,
      cause: row.cause,
      result: row.result,
      reason: row.reason,
      writeId: row.writeId,
    }));
  }
}
