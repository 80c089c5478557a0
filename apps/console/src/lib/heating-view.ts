import type { CatalogueEquipment, CataloguePoint, GatewaySchedules } from '@beffroi/api';
import { fr } from '../i18n/fr';
import { formatMeasure } from './format';
import { equipmentLabel, groupLabel } from './names';

export const HEATING_LEVELS = ['comfort', 'eco', 'frost'] as const;
export type HeatingLevel = (typeof HEATING_LEVELS)[number];

/**
 * The French limits of heating setpoints (Code de l'énergie R241-26 ff.), as the heating lint of libs/schedule checks
 * them: 19 °C while occupied (comfort), 16 °C unoccupied 24 to 48 h (eco), 8 °C beyond (frost protection).
 */
export const HEATING_LIMITS: Readonly<Record<HeatingLevel, number>> = { comfort: 19, eco: 16, frost: 8 };

/** A setpoint above its French limit, in words. */
export interface LimitWarning {
  readonly level: HeatingLevel;
  readonly value: number;
  readonly text: string;
}

export interface ZoneSchedule {
  readonly id: string;
  readonly source: 'config' | 'central';
  readonly setpoints: Partial<Record<HeatingLevel, number>>;
  readonly warnings: readonly LimitWarning[];
}

export interface HeatingZoneView {
  readonly equipmentId: string;
  readonly equipmentName: string;
  /** `zone.1`: the zone as schedules name it, after its equipment (`heating-salle-des-fetes:zone.1`). */
  readonly zone: string;
  readonly name: string;
  readonly temperature: number | undefined;
  readonly activeSetpoint: number | undefined;
  readonly mode: string | undefined;
  readonly heating: boolean | undefined;
  /** The key of the writable mode point, and of each level's writable setpoint point. */
  readonly modeKey: string | undefined;
  readonly setpointKeys: Partial<Record<HeatingLevel, string>>;
  /** The setpoints the controller holds now. */
  readonly setpoints: Partial<Record<HeatingLevel, number>>;
  readonly warnings: readonly LimitWarning[];
  readonly schedule: ZoneSchedule | undefined;
}

/** The setpoints above their limit. */
export function limitWarnings(setpoints: Partial<Record<HeatingLevel, number>>): LimitWarning[] {
  return HEATING_LEVELS.flatMap((level) => {
    const value = setpoints[level];
    return value !== undefined && value > HEATING_LIMITS[level]
      ? [
          {
            level,
            value,
            text: fr.heating.aboveLimit[level](
              formatMeasure({ value, unit: '°C' }),
              formatMeasure({ value: HEATING_LIMITS[level], unit: '°C' }),
            ),
          },
        ]
      : [];
  });
}

/** The heating page's model: every zone of the gateway's equipment (those with a `zone.N.mode` point). */
export function heatingZones(equipment: readonly CatalogueEquipment[], schedules: GatewaySchedules): HeatingZoneView[] {
  return equipment.flatMap((item) => {
    const points = item.points;
    const zones = [
      ...new Set(points.map((p) => /^(zone\.\d+)\.mode$/.exec(p.id)?.[1]).filter((z) => z !== undefined)),
    ].sort();
    return zones.map((zone): HeatingZoneView => {
      const at = (suffix: string) => points.find((p) => p.id === `${zone}.${suffix}`);
      const setpoints = Object.fromEntries(
        HEATING_LEVELS.flatMap((level) => {
          const value = numberOf(at(`${level}_setpoint`));
          return value === undefined ? [] : [[level, value]];
        }),
      ) as Partial<Record<HeatingLevel, number>>;
      const setpointKeys = Object.fromEntries(
        HEATING_LEVELS.flatMap((level) => {
          const point = at(`${level}_setpoint`);
          return point?.writable === true ? [[level, point.key]] : [];
        }),
      ) as Partial<Record<HeatingLevel, string>>;
      const mode = valueOf(at('mode'));
      const heater = valueOf(at('heater_on'));
      const modePoint = at('mode');
      return {
        equipmentId: item.id,
        equipmentName: equipmentLabel(item),
        zone,
        name: groupLabel(modePoint ?? { id: `${zone}.mode` }),
        temperature: numberOf(at('temperature')),
        activeSetpoint: numberOf(at('active_setpoint')),
        mode: typeof mode === 'string' ? mode : undefined,
        heating: typeof heater === 'boolean' ? heater : undefined,
        modeKey: modePoint?.writable === true ? modePoint.key : undefined,
        setpointKeys,
        setpoints,
        warnings: limitWarnings(setpoints),
        schedule: scheduleOf(schedules, `${item.id}:${zone}`),
      };
    });
  });
}

/** The heating schedule that drives a zone, with its setpoints checked against the limits. */
function scheduleOf(schedules: GatewaySchedules, zone: string): ZoneSchedule | undefined {
  const found = schedules.schedules.find(
    (s) =>
      s.kind === 'heating' &&
      s.targets.zones?.includes(zone) === true &&
      !('replacedBy' in s && s.replacedBy === 'central'),
  );
  if (found === undefined) return undefined;
  const document = found.document;
  const raw =
    typeof document === 'object' && document !== null && 'setpoints' in document ? document.setpoints : undefined;
  const setpoints: Partial<Record<HeatingLevel, number>> = {};
  for (const level of HEATING_LEVELS) {
    const value =
      typeof raw === 'object' && raw !== null && level in raw ? (raw as Record<string, unknown>)[level] : undefined;
    if (typeof value === 'number') setpoints[level] = value;
  }
  return { id: found.id, source: found.source, setpoints, warnings: limitWarnings(setpoints) };
}

function valueOf(point: CataloguePoint | undefined): CataloguePoint['value'] {
  return point === undefined || point.quality === null || point.quality.status === 'bad' ? null : point.value;
}

function numberOf(point: CataloguePoint | undefined): number | undefined {
  const value = valueOf(point);
  return typeof value === 'number' ? value : undefined;
}
