import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  checkProfileReferences,
  DocumentException,
  DocumentExceptionCode,
  type DocumentProblem,
  formatPath,
  type GatewayConfig,
  gatewayConfigSchema,
  type Profile,
  profileSchema,
  validateDocument,
} from '@beffroi/domain';
import { fieldOf, problemsWithin, readYamlFile } from '@beffroi/runtime';
import type { SchoolHolidays } from '@beffroi/schedule';
import {
  type LoadedSchedule,
  loadSchedules,
  loadSchoolHolidays,
  scheduleFileProblems,
} from './schedule/schedule-files';
import { centralTrustProblems } from './sync/central-tls';

/** The gateway's validated configuration with the profiles its equipment uses. */
export class LoadedGatewayConfig {
  private current: GatewayConfig;

  constructor(
    readonly path: string,
    config: GatewayConfig,
    readonly profiles: ReadonlyMap<string, Profile>,
    readonly schedules: readonly LoadedSchedule[] = [],
    readonly schoolHolidays?: SchoolHolidays,
  ) {
    this.current = config;
  }

  get config(): GatewayConfig {
    return this.current;
  }

  /**
   * Commissioning rewrote the config file (an equipment bound or unbound) and started or stopped its polling: readers
   * from now on see the buses of the file as it is. Only `buses` changes this way; everything else needs a restart.
   */
  replaceBuses(buses: GatewayConfig['buses']): void {
    this.current = { ...this.current, buses };
  }
}

/**
 * Reads every `*.yaml` profile of a folder, reporting each file's problems (and a profile id defined twice, naming
 * both files) to `report` and going on with the next file. Returns the valid profiles and the ids of the profiles
 * whose file is invalid (as far as its `id` can be read).
 */
function readProfiles(
  dir: string,
  report: (error: DocumentException) => void,
): { profiles: Map<string, Profile>; invalidIds: Set<string> } {
  const profiles = new Map<string, Profile>();
  const invalidIds = new Set<string>();
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    report(
      new DocumentException(DocumentExceptionCode.Unreadable, dir, [
        { path: '', message: `cannot read the profiles folder (${reason})` },
      ]),
    );
    return { profiles, invalidIds };
  }
  const origin = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    try {
      const document = readYamlFile(path);
      const id = fieldOf(document, 'id');
      if (typeof id === 'string') invalidIds.add(id);
      const profile = validateDocument(profileSchema, document, path);
      invalidIds.delete(profile.id);
      const first = origin.get(profile.id);
      if (first !== undefined) {
        throw new DocumentException(DocumentExceptionCode.Invalid, path, [
          { path: 'id', message: `profile id "${profile.id}" is already defined in ${first}` },
        ]);
      }
      profiles.set(profile.id, profile);
      origin.set(profile.id, path);
    } catch (error) {
      if (!(error instanceof DocumentException)) throw error;
      report(error);
    }
  }
  return { profiles, invalidIds };
}

/** Loads every `*.yaml` profile of a folder; throws at the first invalid file (a profile id defined twice names both). */
export function loadProfiles(dir: string): Map<string, Profile> {
  return readProfiles(dir, (error) => {
    throw error;
  }).profiles;
}

/**
 * The `profile` of each equipment of a gateway file that failed validation, with its config path, as far as its
 * buses and equipment can be read: so that an unknown profile is reported with the file's other problems.
 */
function unknownProfileProblems(
  document: unknown,
  profiles: ReadonlyMap<string, Profile>,
  invalidIds: ReadonlySet<string>,
): DocumentProblem[] {
  const listAt = (value: unknown, key: string): unknown[] => {
    const list = fieldOf(value, key);
    return Array.isArray(list) ? (list as unknown[]) : [];
  };
  const known = [...profiles.keys()].sort().join(', ') || 'none';
  return listAt(document, 'buses').flatMap((bus, b) =>
    listAt(bus, 'equipment').flatMap((equipment, i): DocumentProblem[] => {
      const profile = fieldOf(equipment, 'profile');
      if (typeof profile !== 'string' || profiles.has(profile) || invalidIds.has(profile)) return [];
      return [
        {
          path: formatPath(['buses', b, 'equipment', i, 'profile']),
          message: `unknown profile "${profile}" (known: ${known})`,
        },
      ];
    }),
  );
}

/**
 * Reads the gateway config file, its profiles folder (relative to the file), its schedule files and its school
 * holidays, and checks they fit together. Every problem of every layer is reported in one DocumentException on the
 * config file: an invalid config file does not hide the problems of its profiles or schedule files, nor an invalid
 * profile those of the config file. Only a config file that cannot be read or is not YAML stops at once.
 */
export function loadGatewayConfig(path: string): LoadedGatewayConfig {
  const document = readYamlFile(path);
  const problems: DocumentProblem[] = [];
  const collect = (error: unknown) => {
    if (!(error instanceof DocumentException)) throw error;
    problems.push(...problemsWithin(path, error));
  };
  let config: GatewayConfig | undefined;
  try {
    config = validateDocument(gatewayConfigSchema, document, path);
  } catch (error) {
    collect(error);
  }
  const profilesDir = config?.profilesDir ?? fieldOf(document, 'profilesDir');
  const { profiles, invalidIds } = readProfiles(
    resolve(dirname(path), typeof profilesDir === 'string' ? profilesDir : 'profiles'),
    collect,
  );
  if (config === undefined) {
    problems.push(...unknownProfileProblems(document, profiles, invalidIds), ...scheduleFileProblems(path, document));
    throw new DocumentException(DocumentExceptionCode.Invalid, path, problems);
  }
  const references = checkProfileReferences(config, profiles);
  const brokenProfiles = config.buses.flatMap((bus, b) =>
    bus.equipment.flatMap((e, i) =>
      invalidIds.has(e.profile) ? [formatPath(['buses', b, 'equipment', i, 'profile'])] : [],
    ),
  );
  problems.push(...references.filter((problem) => !brokenProfiles.includes(problem.path)));
  let schedules: LoadedSchedule[] = [];
  if (problems.length === 0) {
    try {
      schedules = loadSchedules(path, config, profiles);
    } catch (error) {
      collect(error);
    }
  } else {
    problems.push(...scheduleFileProblems(path, document));
  }
  let schoolHolidays: SchoolHolidays | undefined;
  try {
    schoolHolidays = loadSchoolHolidays(path, config);
  } catch (error) {
    collect(error);
  }
  problems.push(...centralTrustProblems(config.central));
  if (problems.length > 0) throw new DocumentException(DocumentExceptionCode.Invalid, path, problems);
  return new LoadedGatewayConfig(path, config, profiles, schedules, schoolHolidays);
}
