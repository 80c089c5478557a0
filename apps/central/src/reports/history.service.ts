import { parsePointKey } from '@beffroi/domain';
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { AuditLog } from '../audit.service';
import { AccountLockAlarms, accountAlarmSource } from '../auth/account-lock-alarms';
import { AuthService } from '../auth/auth.service';
import type { Caller } from '../auth/caller';
import { CentralException, CentralExceptionCode } from '../central.exception';
import { Clock } from '@beffroi/runtime';
import { EventBus } from '../events.service';
import { GatewayService, scopeOf } from '../gateways/gateway.service';
import { AlarmEntity, GatewayEntity, OutputEntity, PointValueEntity, SwitchingEntity } from '../store/entities';
import { TenantService } from '../tenants/tenant.service';

/** What gateways reported: live values, outputs' explanations, switchings, alarms. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateways: GatewayService,
    private readonly tenants: TenantService,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly lockAlarms: AccountLockAlarms,
  ) {}

  /** Equipment and points of a gateway as it reported them, with their latest values. */
  async points(caller: Caller, gatewayId: string) {
    await this.gateways.gateway(caller, gatewayId);
    const rows = await this.dataSource
      .getRepository(PointValueEntity)
      .find({ where: { gatewayId }, order: { pointKey: 'ASC' } });
    const equipment = new Map<string, unknown[]>();
    for (const row of rows) {
      const { equipmentId, pointId } = parsePointKey(row.pointKey);
      const points = equipment.get(equipmentId) ?? [];
      points.push({
        key: row.pointKey,
        id: pointId,
        value: JSON.parse(row.valueJson) as unknown,
        quality: JSON.parse(row.qualityJson) as unknown,
        observedAt: row.observedAt,
        receivedAt: row.receivedAt,
      });
      equipment.set(equipmentId, points);
    }
    return [...equipment].map(([id, points]) => ({ id, points }));
  }

  /** "Why is this output in this state?", as the gateway last explained it. */
  async explain(caller: Caller, gatewayId: string, pointKey: string) {
    await this.gateways.gateway(caller, gatewayId);
    const output = await this.dataSource.getRepository(OutputEntity).findOneBy({ gatewayId, pointKey });
    if (output === null) {
      throw new CentralException(
        CentralExceptionCode.NotFound,
        `${gatewayId} has not reported output ${pointKey} (not a command point, or never switched)`,
      );
    }
    const value = await this.dataSource.getRepository(PointValueEntity).findOneBy({ gatewayId, pointKey });
    const [last] = await this.switchings(caller, gatewayId, 1, pointKey);
    return {
      ...(JSON.parse(output.explainJson) as object),
      reported: value === null ? null : { value: JSON.parse(value.valueJson) as unknown, receivedAt: value.receivedAt },
      lastSwitching: last ?? null,
    };
  }

  async switchings(caller: Caller, gatewayId: string, limit: number, pointKey?: string) {
    await this.gateways.gateway(caller, gatewayId);
    const rows = await this.dataSource.getRepository(SwitchingEntity).find({
      where: pointKey === undefined ? { gatewayId } : { gatewayId, pointKey },
      order: { epoch: 'DESC', seq: 'DESC' },
      take: limit,
    });
    return rows.map((row) => ({
      seq: row.seq,
      at: row.at,
      pointKey: row.pointKey,
      value: JSON.parse(row.valueJson) as unknown,
      slot: row.slot,
      source: row.source,
      commandId: row.commandId,
      result: row.result,
      reason: row.reason,
    }));
  }

  /** Alarms of the caller's communes (or one commune), open ones only unless `all`. */
  async alarms(caller: Caller, options: { commune?: string | undefined; all: boolean; limit: number }) {
    const communes =
      options.commune === undefined
        ? (await this.tenants.communes(caller)).map((c) => c.insee)
        : [(await this.tenants.commune(caller, options.commune)).insee];
    const gateways = await this.dataSource.getRepository(GatewayEntity).findBy({ communeInsee: In(communes) });
    await this.auth.clearEndedLocks();
    const logins = await this.lockAlarms.loginsFor(caller, communes, options.commune === undefined);
    const state = options.all ? {} : { clearedAt: IsNull() };
    const rows = await this.dataSource.getRepository(AlarmEntity).find({
      where: [
        { gatewayId: In(gateways.map((g) => g.id)), ...state },
        { accountLogin: In(logins), ...state },
      ],
      order: { id: 'DESC' },
      take: options.limit,
    });
    return rows.map(describeAlarm);
  }

  async acknowledge(caller: Caller, id: number) {
    const alarms = this.dataSource.getRepository(AlarmEntity);
    const alarm = await alarms.findOneBy({ id });
    if (alarm === null) throw new CentralException(CentralExceptionCode.NotFound, `no alarm ${id}`);
    if (alarm.gatewayId === null) return this.acknowledgeAccountAlarm(caller, alarm);
    const gateway = await this.gateways.gateway(caller, alarm.gatewayId, 'acknowledge', `no alarm ${id}`);
    const commune = await this.tenants.commune(caller, gateway.communeInsee, 'acknowledge');
    if (alarm.acknowledgedAt === null) {
      const at = this.clock.now().toISOString();
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(AlarmEntity).update({ id }, { acknowledgedAt: at, acknowledgedBy: caller.login });
        await this.audit.record(
          {
            actor: caller.login,
            action: 'alarm.acknowledge',
            target: `${alarm.gatewayId}/${alarm.key}`,
            result: 'ok',
            ...scopeOf(commune),
          },
          manager,
        );
      });
    }
    const updated = describeAlarm(await alarms.findOneByOrFail({ id }));
    this.events.publish({
      type: 'alarm',
      commune: { insee: commune.insee, syndicateId: commune.syndicateId },
      gatewayId: alarm.gatewayId,
      data: updated,
    });
    return updated;
  }

  /** An alarm about an account, acknowledged by an admin who sees it (404 for anyone else, as for no alarm). */
  private async acknowledgeAccountAlarm(caller: Caller, alarm: AlarmEntity) {
    const communes = (await this.tenants.communes(caller)).map((c) => c.insee);
    const visible = await this.lockAlarms.loginsFor(caller, communes, true);
    const login = alarm.accountLogin;
    if (login === null || !visible.includes(login)) {
      throw new CentralException(CentralExceptionCode.NotFound, `no alarm ${alarm.id}`);
    }
    if (alarm.acknowledgedAt === null) {
      const at = this.clock.now().toISOString();
      await this.dataSource.transaction(async (manager) => {
        await manager
          .getRepository(AlarmEntity)
          .update({ id: alarm.id }, { acknowledgedAt: at, acknowledgedBy: caller.login });
        await this.audit.record(
          {
            actor: caller.login,
            action: 'alarm.acknowledge',
            target: `${accountAlarmSource(login)}/${alarm.key}`,
            result: 'ok',
            syndicateId: caller.syndicateId,
          },
          manager,
        );
      });
    }
    return describeAlarm(await this.dataSource.getRepository(AlarmEntity).findOneByOrFail({ id: alarm.id }));
  }
}

function describeAlarm(row: AlarmEntity) {
  return {
    id: row.id,
    // An alarm about an account names it where a gateway's names the gateway (the field the console reads).
    gatewayId: row.accountLogin === null ? (row.gatewayId ?? '') : accountAlarmSource(row.accountLogin),
    key: row.key,
    severity: row.severity,
    message: row.message,
    raisedAt: row.raisedAt,
    clearedAt: row.clearedAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    state: row.clearedAt === null ? 'open' : 'cleared',
  };
}
