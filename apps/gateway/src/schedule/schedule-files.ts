import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  DocumentException,
  DocumentExceptionCode,
  type DocumentProblem,
  type GatewayConfig,
  type Profile,
  type ScheduleConfig,
  type Site,
} from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import {
  type BellSchedule,
  bellScheduleSchema,
  type HeatingSchedule,
  heatingScheduleSchema,
  HEATING_LEVELS,
  parseSchoolHolidays,
  type Schedule,
  scheduleSchema,
  type SchoolHolidays,
} from '@beffroi/schedule';

/** A schedule of the gateway's config with its file parsed, its site and the point keys it drives. */
export type LoadedSchedule =
  | { readonly config: Extract<ScheduleConfig, { kind: 'lighting' }>; readonly schedule: Schedule; readonly site: Site }
  | {
      readonly config: Extract<ScheduleConfig, { kind: 'heating' }>;
      readonly schedule: HeatingSchedule;
      readonly site: Site;
    }
  | {
      readonly config: Extract<ScheduleConfig, { kind: 'bells' }>;
      readonly schedule: BellSchedule;
      readonly site: Site;
    };

/** The point ids of a heating zone `zone.N`. */
export function heatingZonePoints(zone: string) {
  return {
    mode: `${zone}.mode`,
    setpoints: Object.fromEntries(HEATING_LEVELS.map((level) => [level, `${zone}.${level}_setpoint`])) as Record<
      (typeof HEATING_LEVELS)[number],
      string
    >,
  };
}

/**
 * Reads every schedule file of the config (relative to the config file) and checks what it drives exists: outputs
 * are command or setpoint points of known equipment, heating zones have their mode and setpoints, the bell
 * controller has strike and swing relays. Every problem is reported at once, by config path.
 */
export function loadSchedules(
  configPath: string,
  config: GatewayConfig,
  profiles: ReadonlyMap<string, Profile>,
): LoadedSchedule[] {
  const dir = dirname(configPath);
  const equipment = new Map(config.buses.flatMap((bus) => bus.equipment.map((e) => [e.id, e] as const)));
  const sites = new Map(config.sites.map((site) => [site.id, site]));
  const problems: DocumentProblem[] = [];
  const pointOf = (key: string) => {
    const [equipmentId = '', pointId = ''] = key.split(':');
    const owner = equipment.get(equipmentId);
    const profile = owner === undefined ? undefined : profiles.get(owner.profile);
    return { equipmentId, pointId, owner, point: profile?.points.find((p) => p.id === pointId) };
  };
  const checkWritable = (key: string, path: string): void => {
    const { equipmentId, pointId, owner, point } = pointOf(key);
    if (owner === undefined) {
      problems.push({ path, message: `unknown equipment "${equipmentId}"` });
    } else if (point === undefined) {
      problems.push({
        path,
        message: `equipment "${equipmentId}" (profile ${owner.profile}) has no point "${pointId}"`,
      });
    } else if (point.kind !== 'command' && point.kind !== 'setpoint') {
      problems.push({ path, message: `${key} is a ${point.kind} point: a schedule drives command or setpoint points` });
    }
  };

  const loaded: LoadedSchedule[] = [];
  config.schedules.forEach((entry, index) => {
    const at = `schedules[${index}]`;
    const file = resolve(dir, entry.file);
    const firstEquipment =
      entry.kind === 'bells'
        ? entry.equipment
        : (entry.kind === 'lighting' ? entry.outputs[0] : entry.zones[0])?.split(':')[0];
    const siteId = entry.site ?? equipment.get(firstEquipment ?? '')?.site ?? config.sites[0]?.id;
    const site = sites.get(siteId ?? '');
    if (site === undefined) {
      problems.push({ path: `${at}.site`, message: `no site for this schedule (set "site")` });
      return;
    }
    switch (entry.kind) {
      case 'lighting':
        entry.outputs.forEach((key, i) => {
          checkWritable(key, `${at}.outputs[${i}]`);
        });
        loaded.push({ config: entry, schedule: loadYamlFile(scheduleSchema, file), site });
        return;
      case 'heating':
        entry.zones.forEach((zoneKey, i) => {
          const [equipmentId = '', zone = ''] = zoneKey.split(':');
          const points = heatingZonePoints(zone);
          for (const pointId of [points.mode, ...Object.values(points.setpoints)]) {
            checkWritable(`${equipmentId}:${pointId}`, `${at}.zones[${i}]`);
          }
        });
        loaded.push({ config: entry, schedule: loadYamlFile(heatingScheduleSchema, file), site });
        return;
      case 'bells': {
        const owner = equipment.get(entry.equipment);
        const profile = owner === undefined ? undefined : profiles.get(owner.profile);
        if (profile === undefined) {
          problems.push({ path: `${at}.equipment`, message: `unknown equipment "${entry.equipment}"` });
          return;
        }
        const schedule = loadYamlFile(bellScheduleSchema, file);
        const bells = new Set(
          Object.values(schedule.sequences).flatMap((sequence) =>
            sequence.steps.flatMap((step) => ('strike' in step ? [step.strike] : 'swing' in step ? step.swing : [])),
          ),
        );
        for (const bell of [...bells].sort((a, b) => a - b)) {
          for (const relay of ['strike', 'swing']) {
            checkWritable(`${entry.equipment}:bell.${bell}.${relay}`, `${at}.equipment`);
          }
        }
        loaded.push({ config: entry, schedule, site });
        return;
      }
    }
  });
  if (problems.length > 0) {
    throw new DocumentException(DocumentExceptionCode.Invalid, configPath, problems);
  }
  return loaded;
}

/** The config's school-holiday data file, if it names one (relative to the config file). */
export function loadSchoolHolidays(configPath: string, config: GatewayConfig): SchoolHolidays | undefined {
  if (config.schoolHolidays === undefined) {
    return undefined;
  }
  const file = resolve(dirname(configPath), config.schoolHolidays);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? error.message : ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new DocumentException(DocumentExceptionCode.Unreadable, configPath, [
      { path: 'schoolHolidays', message: `cannot read ${file} (${reason})` },
    ]);
  }
  return parseSchoolHolidays(input, file);
}
