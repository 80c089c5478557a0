import type { BellEvent, BellSchedule, CatalogueEquipment } from '@beffroi/api';
import { equipmentLabel } from './names';
import { toLocalInput } from './zoned-time';

/** A ring sequence by its name (its id when the schedule gives none). */
export interface SequenceView {
  readonly id: string;
  readonly name: string;
}

/** The hours a programme rings between; outside them the bells are silent. */
export interface QuietHours {
  readonly programmeId: string;
  /** `HH:MM`: the last ring of the day. */
  readonly from: string;
  /** `HH:MM`: the first ring of the day. */
  readonly to: string;
}

export interface BellsView {
  readonly scheduleId: string;
  readonly equipmentId: string;
  readonly equipmentName: string;
  readonly timeZone: string;
  /** The point a `ring` command names: a bell relay of the equipment (the gateway rings the whole sequence). */
  readonly ringKey: string | undefined;
  readonly sequences: readonly SequenceView[];
  readonly quietHours: readonly QuietHours[];
  /** One-off rings still to come, the soonest first. */
  readonly upcoming: readonly (BellEvent & { readonly sequenceName: string })[];
}

/** The bells page's model: per bell schedule the gateway runs, what can be rung, when it is silent, what is planned. */
export function bellsView(schedule: BellSchedule, equipment: readonly CatalogueEquipment[], now: Date): BellsView {
  const item = equipment.find((e) => e.id === schedule.equipment);
  const sequences = schedule.sequences.map((s) => ({ id: s.id, name: s.name ?? s.id }));
  const nameOf = (id: string) => sequences.find((s) => s.id === id)?.name ?? id;
  const today = toLocalInput(now, schedule.timeZone);
  return {
    scheduleId: schedule.id,
    equipmentId: schedule.equipment,
    equipmentName: equipmentLabel(item ?? { id: schedule.equipment }),
    timeZone: schedule.timeZone,
    ringKey: item?.points.find((p) => p.writable && p.kind === 'command')?.key,
    sequences,
    quietHours: Object.entries(schedule.programmes).flatMap(([programmeId, programme]) => {
      const quiet = quietHoursOf(programme.rings);
      return quiet === undefined ? [] : [{ programmeId, ...quiet }];
    }),
    upcoming: schedule.events
      .filter((event) => `${event.date}T${event.at}` > today)
      .sort((a, b) => `${a.date}T${a.at}`.localeCompare(`${b.date}T${b.at}`))
      .map((event) => ({ ...event, sequenceName: nameOf(event.sequence) })),
  };
}

/** From the last ring of the day to the first: `{from: '21:00', to: '07:00'}`; undefined for a silent programme. */
export function quietHoursOf(
  rings: readonly { at?: string | undefined; from?: string | undefined; to?: string | undefined }[],
): { from: string; to: string } | undefined {
  const starts = rings.flatMap((ring) => [ring.at, ring.from]).filter((time) => time !== undefined);
  const ends = rings.flatMap((ring) => [ring.at, ring.to]).filter((time) => time !== undefined);
  if (starts.length === 0 || ends.length === 0) return undefined;
  return { from: [...ends].sort().at(-1) ?? '', to: [...starts].sort()[0] ?? '' };
}
