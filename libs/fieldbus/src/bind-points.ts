import type { BusConfig, OpcuaPointDefinition, Profile } from '@beffroi/domain';
import type { BoundPoint } from './field-driver';

/** The key of a point in the gateway: `equipmentId:pointId` (e.g. `cabinet-1:circuit.1.command`). */
export function pointKey(equipmentId: string, pointId: string): string {
  return `${equipmentId}:${pointId}`;
}

/**
 * Binds every point of every equipment on a bus to its profile: unit id, poll period (the point's, else the
 * profile's) and, for Modbus, the profile's default byte and word order made explicit on each point and its read
 * planning rules.
 */
export function bindBusPoints(bus: BusConfig, profiles: ReadonlyMap<string, Profile>): BoundPoint[] {
  return bus.equipment.flatMap((equipment): BoundPoint[] => {
    const profile = profiles.get(equipment.profile);
    if (!profile) throw new Error(`equipment ${equipment.id}: unknown profile "${equipment.profile}"`);
    const unit = 'unit' in equipment ? equipment.unit : undefined;
    switch (profile.protocol) {
      case 'modbus':
        return profile.points.map((definition) => ({
          key: pointKey(equipment.id, definition.id),
          equipmentId: equipment.id,
          ...(unit === undefined ? {} : { unit }),
          periodMs: definition.period ?? profile.defaults.period,
          ...(profile.readPlan === undefined ? {} : { readPlan: profile.readPlan }),
          definition: {
            ...definition,
            byteOrder: definition.byteOrder ?? profile.defaults.byteOrder,
            wordOrder: definition.wordOrder ?? profile.defaults.wordOrder,
          },
        }));
      case 'opcua':
        return profile.points.map((definition) => ({
          key: pointKey(equipment.id, definition.id),
          equipmentId: equipment.id,
          periodMs: definition.period ?? profile.defaults.period,
          definition,
        }));
    }
  });
}

export function isOpcuaBoundPoint(point: BoundPoint): point is BoundPoint<OpcuaPointDefinition> {
  return 'nodeId' in point.definition.address;
}
