import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AlarmSeverity, PointScalar } from '@beffroi/domain';
import { DataSource, IsNull, LessThan, MoreThanOrEqual } from 'typeorm';
import { Clock } from '@beffroi/runtime';
import { AlarmEntity, type AlarmSource } from '../store/alarm.entity';
import { OutboxService } from '../sync/outbox.service';
import { alarmMessage } from '../sync/report-messages';

/** Cleared alarms are kept this long, then forgotten at the next start. */
const KEEP_CLEARED_MS = 30 * 24 * 3_600_000;

/** The facts of a feedback mismatch: the value the output should have, the one its feedback shows. */
export interface MismatchDetails {
  commanded: PointScalar;
  seen: PointScalar;
  feedbackKey: string;
}

/** An alarm to raise. */
export interface AlarmRaise {
  key: string;
  source: AlarmSource;
  severity: AlarmSeverity;
  message: string;
  equipmentId: string;
  pointId?: string;
  details?: MismatchDetails;
}

/** An alarm as `GET /alarms` shows it. */
export interface GatewayAlarm {
  key: string;
  state: 'active' | 'cleared';
  source: AlarmSource;
  severity: AlarmSeverity;
  message: string;
  equipment: string;
  point: string | null;
  since: string;
  clearedAt: string | null;
  commanded?: PointScalar;
  seen?: PointScalar;
  feedbackKey?: string;
}

function view(row: AlarmEntity): GatewayAlarm {
  const details = row.detailsJson === null ? {} : (JSON.parse(row.detailsJson) as MismatchDetails);
  return {
    key: row.key,
    state: row.clearedAt === null ? 'active' : 'cleared',
    source: row.source,
    severity: row.severity,
    message: row.message,
    equipment: row.equipmentId,
    point: row.pointId,
    since: row.raisedAt,
    clearedAt: row.clearedAt,
    ...details,
  };
}

/**
 * The gateway's alarms: raised and cleared by the monitors, kept in SQLite and reported to
 * central (class `alarm`) in the same transaction, so central learns each change once and a restart knows what is
 * raised. An alarm is raised at most once while active (one active row per key); clearing one that is not active
 * does nothing. Works the same without central: `GET /alarms` is the local view.
 */
@Injectable()
export class AlarmService implements OnModuleInit {
  private readonly logger = new Logger(AlarmService.name);
  /** Active alarms by key, as stored. */
  private readonly activeByKey = new Map<string, AlarmEntity>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const repository = this.dataSource.getRepository(AlarmEntity);
    const forgetBefore = new Date(this.clock.now().getTime() - KEEP_CLEARED_MS).toISOString();
    await repository.delete({ clearedAt: LessThan(forgetBefore) });
    for (const row of await repository.findBy({ clearedAt: IsNull() })) this.activeByKey.set(row.key, row);
    if (this.activeByKey.size > 0) {
      this.logger.log(`${this.activeByKey.size} alarms still raised: ${[...this.activeByKey.keys()].join(', ')}`);
    }
  }

  isActive(key: string): boolean {
    return this.activeByKey.has(key);
  }

  /** Keys of the active alarms from `source`. */
  activeKeys(source: AlarmSource): string[] {
    return [...this.activeByKey.values()].filter((row) => row.source === source).map((row) => row.key);
  }

  /** Raises the alarm unless it is active already; resolves once it is stored and queued for central. */
  async raise(alarm: AlarmRaise): Promise<void> {
    if (this.activeByKey.has(alarm.key)) return;
    const at = this.clock.now();
    const row = new AlarmEntity();
    Object.assign(row, {
      key: alarm.key,
      source: alarm.source,
      severity: alarm.severity,
      message: alarm.message,
      equipmentId: alarm.equipmentId,
      pointId: alarm.pointId ?? null,
      detailsJson: alarm.details === undefined ? null : JSON.stringify(alarm.details),
      raisedAt: at.toISOString(),
      clearedAt: null,
    });
    await this.outbox.append(alarmMessage(alarm.key, 'raised', alarm.severity, alarm.message, at), (manager) =>
      manager.getRepository(AlarmEntity).insert(row),
    );
    this.activeByKey.set(alarm.key, row);
    this.logger.warn(`alarm raised: ${alarm.key}: ${alarm.message}`);
  }

  /** Clears the active alarm `key` (reported with `message`, else the one it was raised with). */
  async clear(key: string, message?: string): Promise<void> {
    const row = this.activeByKey.get(key);
    if (row === undefined) return;
    const at = this.clock.now();
    await this.outbox.append(alarmMessage(key, 'cleared', row.severity, message ?? row.message, at), (manager) =>
      manager.getRepository(AlarmEntity).update({ id: row.id }, { clearedAt: at.toISOString() }),
    );
    this.activeByKey.delete(key);
    this.logger.log(`alarm cleared: ${key}`);
  }

  /** Active alarms (oldest first) and those cleared in the last `clearedWithinMs`, newest first, at most `limit`. */
  async list(clearedWithinMs: number, limit: number): Promise<{ active: GatewayAlarm[]; cleared: GatewayAlarm[] }> {
    const since = new Date(this.clock.now().getTime() - clearedWithinMs).toISOString();
    const repository = this.dataSource.getRepository(AlarmEntity);
    const [active, cleared] = await Promise.all([
      repository.find({ where: { clearedAt: IsNull() }, order: { id: 'ASC' } }),
      repository.find({
        where: { clearedAt: MoreThanOrEqual(since) },
        order: { clearedAt: 'DESC', id: 'DESC' },
        take: limit,
      }),
    ]);
    return { active: active.map(view), cleared: cleared.map(view) };
  }
}
