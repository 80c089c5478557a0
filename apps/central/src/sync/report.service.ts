import { Injectable, Logger } from '@nestjs/common';
import {
  type AckV1,
  applyCommandResult,
  type CommandRecord,
  type CommandStatus,
  type InboxState,
  type InboxStep,
  type OutboxEnvelope,
  type OutboxRange,
  receiveHello,
  receiveReport,
  type ReportV1,
} from '@beffroi/sync';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AuditLog } from '../audit.service';
import { Clock } from '@beffroi/runtime';
import { CommissioningReportEntity } from '../store/commissioning-report.entity';
import { type CentralEvent, EventBus } from '../events.service';
import { recordHistoryBuckets, recordHistorySamples } from '../history/history-samples';
import {
  AlarmEntity,
  CommandEntity,
  CommuneEntity,
  GatewayEntity,
  OutputEntity,
  PointValueEntity,
  SwitchingEntity,
} from '../store/entities';

/**
 * Central's inbox: reported messages are stored in the gateway's seq order, each exactly once, in the same
 * transaction as the inbox state that says they were, and only then acknowledged.
 */
@Injectable()
export class ReportService {
  private readonly logger = new Logger(ReportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * On hello: seqs the gateway no longer holds are not waited for; an outbox that started over (another incarnation,
   * or seqs going back) opens a new inbox epoch. Returns the ack to send.
   */
  hello(gatewayId: string, range: OutboxRange, incarnation?: string): Promise<AckV1> {
    return this.step(gatewayId, (inbox) => {
      const step = receiveHello(inbox, range, incarnation);
      if (step.reset) {
        const why =
          step.state.incarnation === inbox.incarnation
            ? `its outbox went back to seq ${range.lastSeq}`
            : `its outbox is a new incarnation (${step.state.incarnation ?? 'unnamed'})`;
        this.logger.warn(
          `${gatewayId}: ${why}; inbox epoch ${step.state.epoch} starts after seq ${step.state.appliedUpTo}` +
            (step.ready.length === 0 ? '' : `, ${step.ready.length} held messages of epoch ${inbox.epoch} applied`),
        );
      }
      return step;
    });
  }

  /** Stores what the report releases; returns the ack to send once that is committed. */
  report(gatewayId: string, report: ReportV1): Promise<AckV1> {
    return this.step(gatewayId, (inbox) => receiveReport(inbox, report));
  }

  private async step(gatewayId: string, next: (inbox: InboxState) => InboxStep): Promise<AckV1> {
    const published: CentralEvent[] = [];
    const ack = await this.dataSource.transaction(async (manager) => {
      const gateways = manager.getRepository(GatewayEntity);
      const gateway = await gateways.findOneByOrFail({ id: gatewayId });
      const commune = await manager.getRepository(CommuneEntity).findOneByOrFail({ insee: gateway.communeInsee });
      const inbox: InboxState = {
        gatewayId,
        incarnation: gateway.inboxIncarnation,
        epoch: gateway.inboxEpoch,
        appliedUpTo: gateway.inboxAppliedUpTo,
        held: JSON.parse(gateway.inboxHeldJson) as InboxState['held'],
      };
      const step = next(inbox);
      const scope = { insee: commune.insee, syndicateId: commune.syndicateId };
      // What a step releases belongs to the epoch the inbox was in (a new epoch starts with nothing to release).
      for (const envelope of step.ready) {
        const data = await this.apply(manager, gateway, commune, envelope, inbox.epoch);
        if (data !== undefined) published.push({ type: data.type, commune: scope, gatewayId, data: data.data });
      }
      await gateways.update(
        { id: gatewayId },
        {
          inboxIncarnation: step.state.incarnation,
          inboxEpoch: step.state.epoch,
          inboxAppliedUpTo: step.state.appliedUpTo,
          inboxHeldJson: JSON.stringify(step.state.held),
        },
      );
      return step.ack;
    });
    for (const event of published) this.events.publish(event);
    return ack;
  }

  private async apply(
    manager: EntityManager,
    gateway: GatewayEntity,
    commune: CommuneEntity,
    envelope: OutboxEnvelope,
    epoch: number,
  ): Promise<{ type: CentralEvent['type']; data: unknown } | undefined> {
    const gatewayId = gateway.id;
    switch (envelope.class) {
      case 'telemetry': {
        const { pointKey, value, quality, observedAt, receivedAt } = envelope.payload;
        await manager.getRepository(PointValueEntity).save({
          gatewayId,
          pointKey,
          valueJson: JSON.stringify(value),
          qualityJson: JSON.stringify(quality),
          observedAt: observedAt === undefined ? null : utc(observedAt),
          receivedAt: utc(receivedAt),
          seq: envelope.seq,
        });
        if (typeof value === 'number' && quality.status === 'good') {
          await recordHistorySamples(manager, gatewayId, [
            { pointKey, at: Date.parse(observedAt ?? receivedAt), value },
          ]);
        }
        return { type: 'point', data: envelope.payload };
      }
      case 'switching': {
        const s = envelope.payload;
        await manager.getRepository(SwitchingEntity).insert({
          gatewayId,
          epoch,
          seq: envelope.seq,
          pointKey: s.pointKey,
          valueJson: JSON.stringify(s.value),
          slot: s.slot ?? null,
          source: s.source,
          commandId: s.commandId ?? null,
          result: s.result,
          reason: s.reason ?? null,
          at: utc(s.at),
        });
        // With its seq, the console adds it to an output's last switchings without asking for them again.
        return { type: 'switching', data: { ...s, seq: envelope.seq } };
      }
      case 'output':
        await manager.getRepository(OutputEntity).save({
          gatewayId,
          pointKey: envelope.payload.pointKey,
          explainJson: JSON.stringify(envelope.payload),
          seq: envelope.seq,
        });
        return { type: 'output', data: envelope.payload };
      case 'alarm': {
        const alarm = envelope.payload;
        const alarms = manager.getRepository(AlarmEntity);
        const open = await alarms.findOneBy({ gatewayId, key: alarm.key, clearedAt: IsNull() });
        if (alarm.state === 'raised') {
          if (open === null) {
            await alarms.insert({
              gatewayId,
              key: alarm.key,
              severity: alarm.severity,
              message: alarm.message,
              raisedAt: utc(alarm.at),
              raisedSeq: envelope.seq,
              clearedAt: null,
              acknowledgedAt: null,
              acknowledgedBy: null,
            });
          } else {
            await alarms.update({ id: open.id }, { severity: alarm.severity, message: alarm.message });
          }
        } else if (open !== null) {
          await alarms.update({ id: open.id }, { clearedAt: utc(alarm.at) });
        }
        return { type: 'alarm', data: alarm };
      }
      case 'commandResult': {
        const result = envelope.payload;
        const commands = manager.getRepository(CommandEntity);
        const command = await commands.findOneBy({ id: result.commandId, gatewayId });
        if (command === null) {
          this.logger.warn(`${gatewayId}: result for unknown command ${result.commandId} ignored`);
          return undefined;
        }
        const receipt = applyCommandResult(recordOf(command), result);
        if (receipt.outcome === 'conflict') {
          this.logger.warn(
            `${gatewayId}: command ${command.id} is ${command.status}; later result ${receipt.ignored.status} ignored`,
          );
        }
        if (receipt.outcome !== 'changed') return undefined;
        await commands.update(
          { id: command.id },
          {
            status: receipt.record.status,
            reason: receipt.record.reason ?? null,
            applyAt: receipt.record.applyAt ?? null,
            ...(result.status === 'held' || result.status === 'applied'
              ? { endsAt: result.until?.at ?? command.endsAt }
              : {}),
            updatedAt: result.at,
          },
        );
        await this.audit.record(
          {
            actor: command.issuedBy,
            action: 'command.result',
            target: command.id,
            result: receipt.record.status,
            communeInsee: commune.insee,
            syndicateId: commune.syndicateId,
            detail: {
              gatewayId,
              reason: receipt.record.reason,
              ...(receipt.record.applyAt === undefined ? {} : { applyAt: receipt.record.applyAt }),
            },
          },
          manager,
        );
        return {
          type: 'command',
          data: {
            id: command.id,
            status: receipt.record.status,
            reason: result.reason,
            ...(receipt.record.applyAt === undefined ? {} : { applyAt: receipt.record.applyAt }),
          },
        };
      }
      case 'bucket': {
        // Readings folded while central was out of reach: history only, the point's latest value comes with telemetry.
        const b = envelope.payload;
        await recordHistoryBuckets(manager, gatewayId, [
          {
            pointKey: b.pointKey,
            start: Date.parse(b.start),
            count: b.count,
            min: b.min,
            max: b.max,
            sum: b.mean * b.count,
            last: b.last,
            lastAt: Date.parse(b.lastAt),
          },
        ]);
        return undefined;
      }
      case 'commissioningReport': {
        // Keyed by the report's id: the same report twice (sent again under another seq, or by a restored gateway)
        // is stored once.
        const report = envelope.payload;
        const reports = manager.getRepository(CommissioningReportEntity);
        if (await reports.existsBy({ id: report.id })) {
          this.logger.log(`${gatewayId}: procès-verbal ${report.id} already stored`);
          return undefined;
        }
        await reports.insert({
          id: report.id,
          gatewayId,
          communeInsee: commune.insee,
          createdAt: utc(report.createdAt),
          receivedAt: this.clock.now().toISOString(),
          engineer: report.fields.engineer,
          runState: report.run.state,
          ...report.run.summary,
          equipment: [...new Set(report.run.steps.map((step) => step.equipment))].join(','),
          sites: report.sites.map((site) => site.name).join(', '),
          reportJson: JSON.stringify(report),
        });
        this.logger.log(`${gatewayId}: procès-verbal ${report.id} stored for commune ${commune.insee}`);
        return undefined;
      }
      case 'health':
        await manager
          .getRepository(GatewayEntity)
          .update({ id: gatewayId }, { healthJson: JSON.stringify(envelope.payload) });
        return { type: 'gateway', data: { id: gatewayId, health: envelope.payload } };
    }
  }
}

export function recordOf(command: CommandEntity): CommandRecord {
  return {
    id: command.id,
    status: command.status as CommandStatus,
    notAfter: command.notAfter,
    attempts: command.attempts,
    ...(command.reason === null ? {} : { reason: command.reason }),
    ...(command.applyAt === null ? {} : { applyAt: command.applyAt }),
  };
}

/**
 * An instant as central stores it: in UTC. The protocol lets a gateway write any offset; stored as written, lists
 * ordered by their text would not be in the order of time.
 */
function utc(instant: string): string {
  return new Date(instant).toISOString();
}
