import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  DocumentException,
  DocumentExceptionCode,
  type DocumentProblem,
  type GatewayConfig,
  parsePointKey,
  pointKeyOf,
  type Profile,
  type ScheduleEntry,
  type Site,
  splitPointKey,
} from '@beffroi/domain';
import { fieldOf, loadYamlFile, problemsWithin } from '@beffroi/runtime';
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
import type { z } from 'zod';

/**
 * A schedule the gateway runs, with its document parsed, its site and the point keys it drives. It comes from the
 * config (an entry of `schedules[]` and its file) or from central's desired state (an item with its document).
 */
export type LoadedSchedule =
  | {
      readonly config: Extract<ScheduleEntry, { kind: 'lighting' }>;
      readonly schedule: Schedule;
      readonly site: Site;
    }
  | {
      readonly config: Extract<ScheduleEntry, { kind: 'heating' }>;
      readonly schedule: HeatingSchedule;
      readonly site: Site;
    }
  | {
      readonly config: Extract<ScheduleEntry, { kind: 'bells' }>;
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

/** Reads a schedule's document with the schema of its kind (a YAML file, or JSON from central); throws a DocumentException. */
export type ScheduleDocumentReader = <S extends z.ZodType>(schema: S) => z.output<S>;

/**
 * Checks one schedule entry against the gateway — its site exists, its outputs are command or setpoint points of
 * known equipment, heating zones have their mode and setpoints, the bell controller has strike and swing relays —
 * and reads its document. Problems are added to `problems` under the path `at` ('' for a document of its own);
 * returns undefined when one prevents loading.
 * The document reader's DocumentException (a file or document that is not a valid schedule) propagates.
 */
export function checkSchedule(
  entry: ScheduleEntry,
  readDocument: ScheduleDocumentReader,
  config: GatewayConfig,
  profiles: ReadonlyMap<string, Profile>,
  at: string,
  problems: DocumentProblem[],
): LoadedSchedule | undefined {
  const equipment = new Map(config.buses.flatMap((bus) => bus.equipment.map((e) => [e.id, e] as const)));
  const pointOf = (key: string) => {
    const { equipmentId, pointId } = parsePointKey(key);
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

  const pathOf = (suffix: string) => (at === '' ? suffix : `${at}.${suffix}`);
  const firstEquipment =
    entry.kind === 'bells'
      ? entry.equipment
      : splitPointKey((entry.kind === 'lighting' ? entry.outputs[0] : entry.zones[0]) ?? '')?.equipmentId;
  const siteId = entry.site ?? equipment.get(firstEquipment ?? '')?.site ?? config.sites[0]?.id;
  const site = config.sites.find((s) => s.id === siteId);
  if (site === undefined) {
    problems.push({
      path: pathOf('site'),
      message: entry.site === undefined ? 'no site for this schedule (set "site")' : `unknown site "${entry.site}"`,
    });
    return undefined;
  }
  switch (entry.kind) {
    case 'lighting':
      entry.outputs.forEach((key, i) => {
        checkWritable(key, pathOf(`outputs[${i}]`));
      });
      return { config: entry, schedule: readDocument(scheduleSchema), site };
    case 'heating':
      entry.zones.forEach((zoneKey, i) => {
        const { equipmentId, pointId: zone } = parsePointKey(zoneKey);
        const points = heatingZonePoints(zone);
        for (const pointId of [points.mode, ...Object.values(points.setpoints)]) {
          checkWritable(pointKeyOf(equipmentId, pointId), pathOf(`zones[${i}]`));
        }
      });
      return { config: entry, schedule: readDocument(heatingScheduleSchema), site };
    case 'bells': {
      const owner = equipment.get(entry.equipment);
      const profile = owner === undefined ? undefined : profiles.get(owner.profile);
      if (profile === undefined) {
        problems.push({ path: pathOf('equipment'), message: `unknown equipment "${entry.equipment}"` });
        return undefined;
      }
      const schedule = readDocument(bellScheduleSchema);
      const bells = new Set(
        Object.values(schedule.sequences).flatMap((sequence) =>
          sequence.steps.flatMap((step) => ('strike' in step ? [step.strike] : 'swing' in step ? step.swing : [])),
        ),
      );
      for (const bell of [...bells].sort((a, b) => a - b)) {
        for (const relay of ['strike', 'swing']) {
          checkWritable(`${entry.equipment}:bell.${bell}.${relay}`, pathOf('equipment'));
        }
      }
      return { config: entry, schedule, site };
    }
  }
}

/** The schema of a schedule document of each kind. */
export const SCHEDULE_SCHEMAS = {
  lighting: scheduleSchema,
  bells: bellScheduleSchema,
  heating: heatingScheduleSchema,
} as const;

/** Runs `read`; a DocumentException's problems are added to `problems` as part of the report on `configPath`. */
function collecting<T>(configPath: string, problems: DocumentProblem[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DocumentException)) throw error;
    problems.push(...problemsWithin(configPath, error));
    return undefined;
  }
}

/**
 * Reads every schedule file of the config (relative to the config file) and checks what it drives exists (see
 * {@link checkSchedule}). Every problem is reported at once, by config path, those inside a schedule file under
 * that file's path (`schedules/cloches.yaml: sequences.angelus.steps[0].count`).
 */
export function loadSchedules(
  configPath: string,
  config: GatewayConfig,
  profiles: ReadonlyMap<string, Profile>,
): LoadedSchedule[] {
  const dir = dirname(configPath);
  const problems: DocumentProblem[] = [];
  const loaded: LoadedSchedule[] = [];
  config.schedules.forEach(({ file, ...entry }, index) => {
    const readFile: ScheduleDocumentReader = (schema) => loadYamlFile(schema, resolve(dir, file));
    const schedule = collecting(configPath, problems, () =>
      checkSchedule(entry, readFile, config, profiles, `schedules[${index}]`, problems),
    );
    if (schedule !== undefined) loaded.push(schedule);
  });
  if (problems.length > 0) {
    throw new DocumentException(DocumentExceptionCode.Invalid, configPath, problems);
  }
  return loaded;
}

/**
 * The problems of the schedule files named by a config file that is itself invalid: each entry of `schedules[]`
 * with a known `kind` and a `file` has its file read with its kind's schema. What the schedules drive cannot be
 * checked without a valid config; this is so that a bad config file does not hide its schedules' own problems.
 */
export function scheduleFileProblems(configPath: string, document: unknown): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const entries = fieldOf(document, 'schedules');
  for (const entry of Array.isArray(entries) ? (entries as unknown[]) : []) {
    const [file, kindName] = [fieldOf(entry, 'file'), fieldOf(entry, 'kind')];
    const schema = Object.entries(SCHEDULE_SCHEMAS).find(([kind]) => kind === kindName)?.[1];
    if (typeof file !== 'string' || schema === undefined) continue;
    collecting(configPath, problems, () => loadYamlFile(schema, resolve(dirname(configPath), file)));
  }
  return problems;
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
