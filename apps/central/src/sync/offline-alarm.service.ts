import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AuditLog } from '../audit.service';
import { Clock } from '@beffroi/runtime';
import { EventBus } from '../events.service';
import { AlarmEntity, CommuneEntity, GatewayEntity } from '../store/entities';
import { SyncPresence } from './sync-presence';

/** Key of central's own alarm for a gateway it cannot hear; gateways' own alarm keys never take this value. */
export const GATEWAY_OFFLINE_ALARM = 'gateway.offline';

/**
 * Central's `gateway.offline` alarm: raised when a gateway's connection ends (closed, cut, or silent past
 * `sync.offlineAfter`) and no other connection of it is up, cleared when it says hello again. It is stored, audited
 * and announced like the alarms gateways report (`raisedSeq` 0: it has no outbox seq). A revoked gateway and a
 * central that is shutting down raise nothing.
 */
@Injectable()
export class OfflineAlarms {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly presence: SyncPresence,
  ) {}

  async raise(gatewayId: string, lastSeenAt: string): Promise<void> {
    await this.change(gatewayId, 'raise', lastSeenAt);
  }

  async clear(gatewayId: string): Promise<void> {
    await this.change(gatewayId, 'clear', undefined);
  }

  private async change(gatewayId: string, action: 'raise' | 'clear', lastSeenAt: string | undefined): Promise<void> {
    const at = this.clock.now().toISOString();
    const published = await this.dataSource.transaction(async (manager) => {
      const gateway = await manager.getRepository(GatewayEntity).findOneByOrFail({ id: gatewayId });
      const commune = await manager.getRepository(CommuneEntity).findOneByOrFail({ insee: gateway.communeInsee });
      const alarms = manager.getRepository(AlarmEntity);
      const open = await alarms.findOneBy({ gatewayId, key: GATEWAY_OFFLINE_ALARM, clearedAt: IsNull() });
      let payload: { key: string; state: 'raised' | 'cleared'; severity: string; message: string; at: string };
      if (action === 'raise') {
        // Checked in the transaction: a new connection that said hello in the meantime has cleared it already.
        if (open !== null || gateway.revokedAt !== null || this.presence.isOnline(gatewayId)) return undefined;
        const message = `no frame from ${gatewayId} since ${lastSeenAt ?? at}; its schedules keep running on their own`;
        await alarms.insert({
          gatewayId,
          key: GATEWAY_OFFLINE_ALARM,
          severity: 'warning',
          message,
          raisedAt: at,
          raisedSeq: 0,
          clearedAt: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
        });
        payload = { key: GATEWAY_OFFLINE_ALARM, state: 'raised', severity: 'warning', message, at };
      } else {
        if (open === null) return undefined;
        await alarms.update({ id: open.id }, { clearedAt: at });
        const message = `${gatewayId} is connected again`;
        payload = { key: GATEWAY_OFFLINE_ALARM, state: 'cleared', severity: open.severity, message, at };
      }
      await this.audit.record(
        {
          actor: 'system',
          action: `alarm.${action}`,
          target: `${gatewayId}/${GATEWAY_OFFLINE_ALARM}`,
          result: 'ok',
          communeInsee: commune.insee,
          syndicateId: commune.syndicateId,
          detail: { message: payload.message },
        },
        manager,
      );
      return { commune: { insee: commune.insee, syndicateId: commune.syndicateId }, payload };
    });
    if (published !== undefined) {
      this.events.publish({ type: 'alarm', commune: published.commune, gatewayId, data: published.payload });
    }
  }
}
