import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type CommandV1, planCommandDelivery, transitionCommand } from '@beffroi/sync';
import { DataSource, In } from 'typeorm';
import { AuditLog } from '../audit.service';
import { CentralException, CentralExceptionCode } from '../central.exception';
import type { Caller } from '../auth/caller';
import { Clock } from '@beffroi/runtime';
import { EventBus } from '../events.service';
import { GatewayService, scopeOf } from '../gateways/gateway.service';
import { CommandEntity, CommuneEntity } from '../store/entities';
import { recordOf } from '../sync/report.service';
import { SyncPresence } from '../sync/sync-presence';
import type { CommandRequest } from './command.dto';

/** Without an explicit `notAfter`, a command not executed within this long is reported expired. */
const DEFAULT_VALIDITY_MS = 5 * 60_000;

/** Commands to gateways: stored before anything is sent, delivered when the gateway is connected, audited. */
@Injectable()
export class CommandService {
  private readonly logger = new Logger(CommandService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly gateways: GatewayService,
    private readonly presence: SyncPresence,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  async issue(caller: Caller, gatewayId: string, request: CommandRequest) {
    const gateway = await this.gateways.gateway(caller, gatewayId, 'command');
    if (request.action === 'force-lift-lockout' && caller.role !== 'syndicate-admin') {
      throw new CentralException(
        CentralExceptionCode.Forbidden,
        `${caller.login} (${caller.role}) may not force the lift of a lock-out: syndicate admins only`,
      );
    }
    const now = this.clock.now();
    const id = randomUUID();
    const notAfter = request.notAfter ?? new Date(now.getTime() + DEFAULT_VALIDITY_MS).toISOString();
    const common = { type: 'command', v: 1, id, pointKey: request.pointKey, notAfter, issuedAt: now.toISOString() };
    const message: CommandV1 =
      request.action === 'release'
        ? { ...common, type: 'command', v: 1, action: 'release' }
        : request.action === 'force-lift-lockout'
          ? { ...common, type: 'command', v: 1, action: 'force-lift-lockout', by: `central:${caller.login}` }
          : request.action === 'override-until'
            ? { ...common, type: 'command', v: 1, action: 'override-until', value: request.value, until: request.until }
            : request.action === 'switch'
              ? {
                  ...common,
                  type: 'command',
                  v: 1,
                  action: 'switch',
                  value: request.value,
                  ...(request.permanent === true ? { permanent: true } : { until: request.until ?? 'next-transition' }),
                }
              : { ...common, type: 'command', v: 1, action: request.action, value: request.value };
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CommandEntity).insert({
        id,
        gatewayId,
        messageJson: JSON.stringify(message),
        issuedBy: caller.login,
        status: 'queued',
        attempts: 0,
        reason: null,
        applyAt: null,
        endsAt: null,
        notAfter,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      const commune = await manager.getRepository(CommuneEntity).findOneByOrFail({ insee: gateway.communeInsee });
      await this.audit.record(
        {
          actor: caller.login,
          action: `command.${request.action}`,
          target: `${gatewayId}/${request.pointKey}`,
          result: 'queued',
          ...scopeOf(commune),
          detail: message,
        },
        manager,
      );
    });
    this.presence.poke(gatewayId);
    return this.describe(await this.dataSource.getRepository(CommandEntity).findOneByOrFail({ id }));
  }

  async get(caller: Caller, id: string) {
    const command = await this.dataSource.getRepository(CommandEntity).findOneBy({ id });
    if (command === null) return undefined;
    await this.gateways.gateway(caller, command.gatewayId, 'read', `no command ${id}`);
    return this.describe(command);
  }

  async list(caller: Caller, gatewayId: string, limit: number) {
    await this.gateways.gateway(caller, gatewayId);
    const commands = await this.dataSource
      .getRepository(CommandEntity)
      .find({ where: { gatewayId }, order: { createdAt: 'DESC' }, take: limit });
    return commands.map((command) => this.describe(command));
  }

  /**
   * What to send the gateway now: queued commands past their deadline expire here (they never left central); the
   * other queued ones — and on a (re)connection, `resend`, the sent ones too — are marked sent (durably, before the
   * socket write) and returned.
   */
  async takeForDelivery(gatewayId: string, options: { resend: boolean }): Promise<CommandV1[]> {
    const now = this.clock.now();
    const { toSend, expired } = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CommandEntity);
      const pending = await repository.find({
        where: { gatewayId, status: In(['queued', 'sent']) },
        order: { createdAt: 'ASC' },
      });
      const plan = planCommandDelivery(pending.map(recordOf), now, options);
      const byId = new Map(pending.map((c) => [c.id, c]));
      for (const record of plan.expire) {
        const next = transitionCommand(record, 'expired', 'not delivered before its deadline (gateway offline)');
        await repository.update(
          { id: record.id },
          { status: next.status, reason: next.reason ?? null, updatedAt: now.toISOString() },
        );
      }
      for (const record of plan.send) {
        const next = transitionCommand(record, 'sent');
        await repository.update(
          { id: record.id },
          { status: next.status, attempts: next.attempts, updatedAt: now.toISOString() },
        );
      }
      return {
        toSend: plan.send.map((r) => JSON.parse(byId.get(r.id)?.messageJson ?? 'null') as CommandV1),
        expired: plan.expire.map((r) => r.id),
      };
    });
    if (expired.length > 0) this.logger.log(`${gatewayId}: ${expired.length} commands expired before delivery`);
    for (const id of expired) await this.publish(gatewayId, { id, status: 'expired' });
    for (const command of toSend) await this.publish(gatewayId, { id: command.id, status: 'sent' });
    return toSend;
  }

  private async publish(gatewayId: string, data: { id: string; status: string }): Promise<void> {
    const gateway = await this.dataSource.query<{ insee: string; syndicate_id: string | null }[]>(
      'SELECT c.insee, c.syndicate_id FROM gateways g JOIN communes c ON c.insee = g.commune_insee WHERE g.id = ?',
      [gatewayId],
    );
    const [commune] = gateway;
    if (commune !== undefined) {
      this.events.publish({
        type: 'command',
        commune: { insee: commune.insee, syndicateId: commune.syndicate_id },
        gatewayId,
        data,
      });
    }
  }

  describe(command: CommandEntity) {
    const message = JSON.parse(command.messageJson) as CommandV1;
    return {
      id: command.id,
      gatewayId: command.gatewayId,
      pointKey: message.pointKey,
      action: message.action,
      ...('value' in message ? { value: message.value } : {}),
      ...('until' in message ? { until: message.until } : {}),
      ...('permanent' in message ? { permanent: message.permanent } : {}),
      notAfter: command.notAfter,
      issuedBy: command.issuedBy,
      status: command.status,
      attempts: command.attempts,
      reason: command.reason,
      ...(command.status === 'held' && command.applyAt !== null ? { applyAt: command.applyAt } : {}),
      ...(command.endsAt === null ? {} : { endsAt: command.endsAt }),
      createdAt: command.createdAt,
      updatedAt: command.updatedAt,
    };
  }
}
