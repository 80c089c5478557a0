import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  checkProfileReferences,
  DocumentException,
  DocumentExceptionCode,
  type DocumentProblem,
  type GatewayConfig,
  gatewayConfigSchema,
  type Profile,
  profileSchema,
} from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import type { SchoolHolidays } from '@beffroi/schedule';
import { type LoadedSchedule, loadSchedules, loadSchoolHolidays } from './schedule/schedule-files';

/** The gateway's validated configuration with the profiles its equipment uses. */
export class LoadedGatewayConfig {
  constructor(
    readonly path: string,
    readonly config: GatewayConfig,
    readonly profiles: ReadonlyMap<string, Profile>,
    readonly schedules: readonly LoadedSchedule[] = [],
    readonly schoolHolidays?: SchoolHolidays,
  ) {}
}

/** Loads every `*.yaml` profile of a folder; a profile id defined twice is an error naming both files. */
export function loadProfiles(dir: string): Map<string, Profile> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DocumentException(DocumentExceptionCode.Unreadable, dir, [
      { path: '', message: `cannot read the profiles folder (${reason})` },
    ]);
  }
  const profiles = new Map<string, Profile>();
  const origin = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    const profile = loadYamlFile(profileSchema, path);
    const first = origin.get(profile.id);
    if (first !== undefined) {
      throw new DocumentException(DocumentExceptionCode.Invalid, path, [
        { path: 'id', message: `profile id "${profile.id}" is already defined in ${first}` },
      ]);
    }
    profiles.set(profile.id, profile);
    origin.set(profile.id, path);
  }
  return profiles;
}

/** Reads the gateway config file, its profiles folder (relative to the file) and checks they fit together. */
export function loadGatewayConfig(path: string): LoadedGatewayConfig {
  const config = loadYamlFile(gatewayConfigSchema, path);
  const profiles = loadProfiles(resolve(dirname(path), config.profilesDir));
  const problems: DocumentProblem[] = checkProfileReferences(config, profiles);
  if (problems.length > 0) throw new DocumentException(DocumentExceptionCode.Invalid, path, problems);
  return new LoadedGatewayConfig(
    path,
    config,
    profiles,
    loadSchedules(path, config, profiles),
    loadSchoolHolidays(path, config),
  );
}
