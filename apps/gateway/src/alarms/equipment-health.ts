import type { GatewayConfig } from '@beffroi/domain';
import type { FieldService } from '../field/field.service';
import { reportText } from '../sync/report-messages';

export interface EquipmentHealth {
  online: boolean;
  reason?: string;
}

/** Online state of every equipment of the config now, as the field layer sees it (its bus's link, its unit's health). */
export function equipmentHealth(config: GatewayConfig, field: FieldService): Record<string, EquipmentHealth> {
  const result: Record<string, EquipmentHealth> = {};
  for (const bus of config.buses) {
    const health = field.drivers.get(bus.id)?.health();
    for (const equipment of bus.equipment) {
      const offline = health?.offline.find((o) => o.equipmentId === equipment.id);
      if (health?.link !== 'connected') {
        result[equipment.id] = { online: false, reason: `bus ${bus.id} is ${health?.link ?? 'not started'}` };
      } else if (offline !== undefined) {
        result[equipment.id] = { online: false, reason: reportText(offline.reason) ?? 'not answering' };
      } else {
        result[equipment.id] = { online: true };
      }
    }
  }
  return result;
}
