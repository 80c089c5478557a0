import { Injectable } from '@nestjs/common';
import {
  applyDesiredChanges,
  type DesiredChange,
  type DesiredChanges,
  type DesiredPlan,
  type DesiredSections,
  type DesiredState,
  planDesiredUpdate,
} from '@beffroi/sync';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@beffroi/runtime';
import { DesiredChangeEntity, GatewayEntity } from '../store/entities';

/** The change log keeps this many versions per gateway; a gateway further behind gets a snapshot. */
const LOG_LENGTH = 50;

/** Each gateway's desired state (config, schedules, overrides), versioned by central, with its change log. */
@Injectable()
export class DesiredService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async current(gatewayId: string, manager: EntityManager = this.dataSource.manager): Promise<DesiredState> {
    const gateway = await manager.getRepository(GatewayEntity).findOneByOrFail({ id: gatewayId });
    return { version: gateway.desiredVersion, desired: JSON.parse(gateway.desiredJson) as DesiredSections };
  }

  /** Applies `changes` as the next version; returns it. */
  async change(gatewayId: string, changes: DesiredChanges, manager: EntityManager): Promise<number> {
    const current = await this.current(gatewayId, manager);
    const version = current.version + 1;
    const desired = applyDesiredChanges(current.desired, changes);
    await manager
      .getRepository(GatewayEntity)
      .update({ id: gatewayId }, { desiredVersion: version, desiredJson: JSON.stringify(desired) });
    const log = manager.getRepository(DesiredChangeEntity);
    await log.insert({
      gatewayId,
      version,
      baseVersion: current.version,
      changesJson: JSON.stringify(changes),
      at: this.clock.now().toISOString(),
    });
    await manager
      .createQueryBuilder()
      .delete()
      .from(DesiredChangeEntity)
      .where('gateway_id = :gatewayId AND version <= :oldest', { gatewayId, oldest: version - LOG_LENGTH })
      .execute();
    return version;
  }

  /**
   * What to send a gateway at `gatewayVersion`. A gateway ahead of central (central restored from an older backup)
   * gets the current state re-issued past its version, so it never ignores it as stale.
   */
  async plan(gatewayId: string, gatewayVersion: number): Promise<Exclude<DesiredPlan, { kind: 'gatewayAhead' }>> {
    return this.dataSource.transaction(async (manager) => {
      let current = await this.current(gatewayId, manager);
      const rows = await manager.getRepository(DesiredChangeEntity).findBy({ gatewayId });
      const log: DesiredChange[] = rows.map((row) => ({
        ...(JSON.parse(row.changesJson) as DesiredChanges),
        baseVersion: row.baseVersion,
        version: row.version,
      }));
      const plan = planDesiredUpdate(current, log, gatewayVersion);
      if (plan.kind !== 'gatewayAhead') return plan;
      current = { version: gatewayVersion + 1, desired: current.desired };
      await manager.getRepository(GatewayEntity).update({ id: gatewayId }, { desiredVersion: current.version });
      return {
        kind: 'snapshot',
        message: { type: 'desired.snapshot', v: 1, version: current.version, desired: current.desired },
      };
    });
  }

  async appliedVersion(gatewayId: string): Promise<number> {
    return (await this.dataSource.getRepository(GatewayEntity).findOneByOrFail({ id: gatewayId })).appliedVersion;
  }

  async applied(gatewayId: string, version: number): Promise<void> {
    await this.dataSource.transaction((manager) =>
      manager.getRepository(GatewayEntity).update({ id: gatewayId }, { appliedVersion: version }),
    );
  }
}
