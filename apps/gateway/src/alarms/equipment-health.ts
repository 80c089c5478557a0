import type { GatewayConfig } from '@beffroi/domain';
import type { EquipmentOfflineState } from '@beffroi/sync';
import type { FieldService } from '../field/field.service';
import { reportText } from '../sync/report-messages';

export interface EquipmentHealth {
  online: boolean;
  reason?: string;
  /** Why it is offline, as a code (the console words it). */
  state?: EquipmentOfflineState;
  bus?: string;
}

const LINK_STATES: Record<string, EquipmentOfflineState> = {
  connecting: 'bus-connecting',
  disconnected: 'bus-disconnected',
};

/** Online state of every equipment of the config now, as the field layer sees it (its bus's link, its unit's health). */
export function equipmentHealth(config: GatewayConfig, field: FieldService): Record<string, EquipmentHealth> {
  const result: Record<string, EquipmentHealth> = {};
  for (const bus of config.buses) {
    const health = field.drivers.get(bus.id)?.health();
    for (const equipment of bus.equipment) {
      const offline = health?.offline.find((o) => o.equipmentId === equipment.id);
      if (health?.link !== 'connected') {
        result[equipment.id] = {
          online: false,
          reason: `bus ${bus.id} is ${health?.link ?? 'not started'}`,
          state: (health === undefined ? undefined : LINK_STATES[health.link]) ?? 'bus-not-started',
          bus: bus.id,
        };
      } else if (offline !== undefined) {
        result[equipment.id] = {
          online: false,
          reason: reportText(offline.reason) ?? 'not answering',
          state: 'not-answering',
          bus: bus.id,
        };
      } else {
        result[equipment.id] = { online: true };
      }
    }
  }
  return result;
}
