import type { Alarm, CatalogueEquipment, CataloguePoint, Gateway, Quality } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { DEFAULT_TIME_ZONE } from './format';
import { equipmentLabel, groupLabel, pointLabel, siteOf } from './names';

type Value = CataloguePoint['value'];

/** A measure and the unit its profile gives (`°C`, `%`); the unit is undefined when the profile gives none. */
export interface Measure {
  readonly value: number;
  readonly unit: string | undefined;
}

/** A lighting circuit: what was ordered, what the cabinet says, and whether they agree. */
export interface CircuitView {
  readonly index: string;
  /** The catalogue's name of the circuit (`Départ 4`). */
  readonly name: string;
  readonly outputKey: string;
  readonly command: Value;
  readonly feedback: Value;
  /** Undefined while either side is unknown. */
  readonly agree: boolean | undefined;
  readonly level: Measure | undefined;
}

export interface BellView {
  readonly index: string;
  readonly name: string;
  readonly outputKey: string;
  readonly running: boolean | undefined;
}

export interface ZoneView {
  readonly index: string;
  readonly name: string;
  readonly outputKey: string;
  readonly temperature: Measure | undefined;
  readonly setpoint: Measure | undefined;
  readonly mode: string | undefined;
  readonly heating: boolean | undefined;
}

export interface EquipmentView {
  readonly id: string;
  readonly name: string;
  /** Undefined when the gateway has not said (no health report yet). */
  readonly online: boolean | undefined;
  readonly offlineReason: string | undefined;
  /** The names of the equipment's alarm points that are on (from its profile: door open, breaker tripped…). */
  readonly faults: readonly string[];
  readonly alarms: number;
  readonly circuits: readonly CircuitView[];
  readonly bells: readonly BellView[];
  readonly zones: readonly ZoneView[];
}

export interface SiteView {
  readonly id: string;
  readonly name: string;
  readonly equipment: readonly EquipmentView[];
}

export interface GatewayView {
  readonly id: string;
  readonly online: boolean;
  readonly lastSeenAt: string | null;
  readonly timeZone: string;
  readonly alarms: number;
  readonly sites: readonly SiteView[];
  /** The SHA-256 fingerprint of the certificate the gateway's local API serves, to compare on site. */
  readonly localApiFingerprint: string | undefined;
}

/**
 * The commune page's model: gateways → sites → equipment → circuits, bells, zones, with faults highlighted. Names,
 * units, sites and which points are alarms come from the gateway's catalogue.
 */
export function gatewayView(
  gateway: Gateway,
  equipment: readonly CatalogueEquipment[],
  alarms: readonly Alarm[],
): GatewayView {
  const sites = gateway.health?.sites ?? [];
  const siteIds = sites.map((site) => site.id);
  const open = alarms.filter((alarm) => alarm.gatewayId === gateway.id && alarm.state === 'open');
  const bySite = new Map<string, EquipmentView[]>();
  for (const item of equipment) {
    const health = gateway.health?.equipment[item.id];
    const view: EquipmentView = {
      id: item.id,
      name: equipmentLabel(item),
      online: health?.online,
      offlineReason: health?.online === false ? offlineReason(health) : undefined,
      faults: faultsOf(item.points),
      alarms: open.filter((alarm) => alarm.key === `equipment:${item.id}` || alarm.key.startsWith(`${item.id}:`))
        .length,
      circuits: circuitsOf(item.id, item.points),
      bells: bellsOf(item.id, item.points),
      zones: zonesOf(item.id, item.points),
    };
    const site = (item.site !== undefined && siteIds.includes(item.site) ? item.site : siteOf(item.id, siteIds)) ?? '';
    bySite.set(site, [...(bySite.get(site) ?? []), view]);
  }
  const known: SiteView[] = sites
    .filter((site) => bySite.has(site.id))
    .map((site) => ({ id: site.id, name: site.name, equipment: bySite.get(site.id) ?? [] }));
  const others = bySite.get('');
  return {
    id: gateway.id,
    online: gateway.online,
    lastSeenAt: gateway.lastSeenAt,
    timeZone: sites[0]?.timeZone ?? DEFAULT_TIME_ZONE,
    alarms: open.length,
    sites: others === undefined ? known : [...known, { id: '', name: fr.commune.otherEquipment, equipment: others }],
    localApiFingerprint: gateway.health?.localApi?.fingerprint,
  };
}

/**
 * Why an equipment is offline, in French: from the code the gateway reports (`state` and `bus`); the gateway's own
 * words only for a code this console does not know (a newer gateway) or none (an older one).
 */
export function offlineReason(health: {
  reason?: string | undefined;
  state?: string | undefined;
  bus?: string | undefined;
}): string | undefined {
  const words = health.state === undefined ? undefined : fr.commune.offlineStates[health.state];
  return words === undefined || health.bus === undefined ? health.reason : words(health.bus);
}

/** Applies a live value to the points of a gateway (the same shape as the equipment route answers). */
export function withPointValue(
  equipment: readonly CatalogueEquipment[],
  update: { pointKey: string; value: Value; quality: Quality; receivedAt: string },
): CatalogueEquipment[] {
  return equipment.map((item) =>
    update.pointKey.startsWith(`${item.id}:`)
      ? {
          ...item,
          points: item.points.map((point) =>
            point.key === update.pointKey
              ? { ...point, value: update.value, quality: update.quality, receivedAt: update.receivedAt }
              : point,
          ),
        }
      : item,
  );
}

function valueOf(points: readonly CataloguePoint[], id: string): Value {
  const point = points.find((p) => p.id === id);
  return point === undefined || point.quality === null || point.quality.status === 'bad' ? null : point.value;
}

function measureOf(points: readonly CataloguePoint[], id: string): Measure | undefined {
  const value = valueOf(points, id);
  return typeof value === 'number' ? { value, unit: points.find((p) => p.id === id)?.unit } : undefined;
}

function nameOf(points: readonly CataloguePoint[], id: string): string {
  return groupLabel(points.find((p) => p.id === id) ?? { id });
}

function boolOf(points: readonly CataloguePoint[], id: string): boolean | undefined {
  const value = valueOf(points, id);
  return typeof value === 'boolean' ? value : undefined;
}

function indexes(points: readonly CataloguePoint[], group: string, suffix: string): string[] {
  const pattern = new RegExp(`^${group}\\.(\\d+)\\.${suffix}$`);
  return points
    .map((point) => pattern.exec(point.id)?.[1])
    .filter((index): index is string => index !== undefined)
    .sort((a, b) => Number(a) - Number(b));
}

function faultsOf(points: readonly CataloguePoint[]): string[] {
  return points.filter((point) => point.kind === 'alarm' && boolOf(points, point.id) === true).map(pointLabel);
}

function circuitsOf(equipmentId: string, points: readonly CataloguePoint[]): CircuitView[] {
  return indexes(points, 'circuit', 'command').map((index) => {
    const command = valueOf(points, `circuit.${index}.command`);
    const feedback = valueOf(points, `circuit.${index}.feedback`);
    return {
      index,
      name: nameOf(points, `circuit.${index}.command`),
      outputKey: `${equipmentId}:circuit.${index}.command`,
      command,
      feedback,
      agree: command === null || feedback === null ? undefined : command === feedback,
      level: measureOf(points, `circuit.${index}.level`),
    };
  });
}

function bellsOf(equipmentId: string, points: readonly CataloguePoint[]): BellView[] {
  return indexes(points, 'bell', 'swing').map((index) => ({
    index,
    name: nameOf(points, `bell.${index}.swing`),
    outputKey: `${equipmentId}:bell.${index}.swing`,
    running: boolOf(points, `bell.${index}.running`),
  }));
}

function zonesOf(equipmentId: string, points: readonly CataloguePoint[]): ZoneView[] {
  return indexes(points, 'zone', 'mode').map((index) => {
    const mode = valueOf(points, `zone.${index}.mode`);
    return {
      index,
      name: nameOf(points, `zone.${index}.mode`),
      outputKey: `${equipmentId}:zone.${index}.mode`,
      temperature: measureOf(points, `zone.${index}.temperature`),
      setpoint: measureOf(points, `zone.${index}.active_setpoint`),
      mode: typeof mode === 'string' ? mode : undefined,
      heating: boolOf(points, `zone.${index}.heater_on`),
    };
  });
}
