import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_VERIFY_TIMEOUT_MS, type PointScalar } from '@beffroi/domain';
import type { PointSample } from '@beffroi/fieldbus';
import { DataSource } from 'typeorm';
import { FieldService, type GatewayPoint } from '../field/field.service';
import { Clock, machineClock } from '@beffroi/runtime';
import { LoadedGatewayConfig } from '../gateway.config';
import { WriteRecordEntity, type WriteStatus } from '../store/write-record.entity';
import { PointStore } from './point-store.service';

/**
 * Time between two readings of the feedback while a verified write waits for it: short while a contactor or relay
 * usually answers (its first 100 ms), so a command is confirmed soon after the equipment follows, then longer so a
 * slow device does not keep its bus busy.
 */
function verifyPollDelay(sinceWriteMs: number): number {
  return sinceWriteMs < 100 ? 10 : 50;
}

export type WriteResultStatus = Exclude<WriteStatus, 'pending'>;

export interface WriteResult {
  id: number;
  key: string;
  value: PointScalar;
  status: WriteResultStatus;
  reason?: string;
  /** The feedback (or read-back) value last seen. */
  feedback?: PointScalar | null;
  requestedAt: string;
  finishedAt: string;
}

export interface WriteRequest {
  point: GatewayPoint;
  value: PointScalar;
  notAfter: Date;
  source: string;
  /** A pulse output (hammer strike): the device's acknowledgement is the only confirmation there is. */
  pulse?: boolean;
}

/**
 * Verified writes: each one is recorded before it is tried, written through the bus's driver, then confirmed by
 * reading its feedback point (or the point itself) until it matches or the bus's verify timeout passes. The outcome —
 * applied, mismatch, failed, timeout or expired — is recorded too: no write is ever lost without a trace.
 */
@Injectable()
export class WriteService {
  private readonly logger = new Logger(WriteService.name);

  constructor(
    private readonly field: FieldService,
    private readonly store: PointStore,
    private readonly dataSource: DataSource,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

  async write(request: WriteRequest): Promise<WriteResult> {
    const { point, value, notAfter, source, pulse = false } = request;
    const records = this.dataSource.getRepository(WriteRecordEntity);
    const requestedAt = this.clock.now().toISOString();
    // insert, not save: save opens a transaction of its own (see serializeSqliteAccess).
    const inserted = await records.insert({
      key: point.bound.key,
      valueJson: JSON.stringify(value),
      source,
      requestedAt,
      notAfter: notAfter.toISOString(),
      status: 'pending',
      reason: null,
      finishedAt: null,
    });
    const [record] = inserted.identifiers as { id: number }[];
    if (record === undefined) throw new Error(`the write of ${point.bound.key} was not recorded`);
    const outcome = await this.execute(point, value, notAfter, pulse);
    const finishedAt = this.clock.now().toISOString();
    await records.update(record.id, { status: outcome.status, reason: outcome.reason ?? null, finishedAt });
    const log = `write #${record.id} ${point.bound.key} = ${JSON.stringify(value)} by ${source}: ${outcome.status}`;
    if (outcome.status === 'applied' || outcome.status === 'acknowledged') this.logger.log(log);
    else this.logger.warn(`${log} (${outcome.reason ?? ''})`);
    return { id: record.id, key: point.bound.key, value, requestedAt, finishedAt, ...outcome };
  }

  /** Writes still `pending` from before a restart are closed as failed: their outcome is unknown. */
  async closeInterrupted(): Promise<number> {
    const result = await this.dataSource.getRepository(WriteRecordEntity).update(
      { status: 'pending' },
      {
        status: 'failed',
        reason: 'gateway restarted before the outcome was known',
        finishedAt: this.clock.now().toISOString(),
      },
    );
    return result.affected ?? 0;
  }

  private async execute(
    point: GatewayPoint,
    value: PointScalar,
    notAfter: Date,
    pulse: boolean,
  ): Promise<{ status: WriteResultStatus; reason?: string; feedback?: PointScalar | null }> {
    const driver = this.field.driverOf(point);
    const ack = await driver.write(point.bound, value, this.clock.toSystemTime(notAfter));
    switch (ack.status) {
      case 'expired':
        return { status: 'expired', reason: ack.reason };
      case 'failed':
        return { status: 'failed', reason: ack.reason };
      case 'written':
        if (pulse) return { status: 'acknowledged', reason: 'pulse output: the device acknowledged the write' };
        this.store.update([{ key: point.bound.key, value, quality: { status: 'good' }, receivedAt: this.clock.now() }]);
        return this.verify(point, value);
    }
  }

  /** Reads the feedback (or the point itself) until it shows the value, or the verify timeout passes. */
  private async verify(
    point: GatewayPoint,
    value: PointScalar,
  ): Promise<{ status: WriteResultStatus; reason?: string; feedback?: PointScalar | null }> {
    const checkKey = point.feedbackKey ?? point.bound.key;
    const check = this.field.points.get(checkKey);
    if (!check) return { status: 'failed', reason: `feedback point ${checkKey} is not configured` };
    const driver = this.field.driverOf(check);
    const bus = this.loaded.config.buses.find((b) => b.id === check.busId);
    const started = machineClock.monotonicMs();
    const deadline = started + (bus?.verifyTimeout ?? DEFAULT_VERIFY_TIMEOUT_MS);
    let last: PointSample | undefined;
    for (;;) {
      [last] = await driver.read([check.bound]);
      if (last) this.store.update([last]);
      if (last?.quality.status === 'good' && last.value === value) return { status: 'applied', feedback: last.value };
      if (machineClock.monotonicMs() >= deadline) break;
      // Stopping: a feedback that cannot be read now will not be before the gateway is gone.
      if (this.field.stopping && last?.quality.status !== 'good') break;
      const delay = verifyPollDelay(machineClock.monotonicMs() - started);
      await machineClock.sleep(delay);
    }
    if (last?.quality.status === 'good') {
      return {
        status: 'mismatch',
        reason: `${checkKey} shows ${JSON.stringify(last.value)}, expected ${JSON.stringify(value)}`,
        feedback: last.value,
      };
    }
    const reason = last?.quality.status === 'bad' ? last.quality.reason : 'no reading';
    return { status: 'timeout', reason: `${checkKey} could not be read to confirm the write: ${reason}` };
  }
}
