import type { Account, DesiredEvent, DesiredState, GatewaySchedule } from '@beffroi/api';
import { fr } from '../i18n/fr';

/**
 * Where a schedule stands: run from the gateway's own config, waiting for the gateway (`en attente`), applied by the
 * gateway, or refused by it.
 */
export type ScheduleStatus = 'config' | 'pending' | 'applied' | 'refused';

/** The versions the Planning screen follows: central's desired version and the one the gateway runs. */
export interface Versions {
  readonly desired: number;
  readonly applied: number;
}

/**
 * The status of `schedule`: a config schedule not replaced runs from the config (pending while the gateway has not
 * applied `saved`, the version that removed the console's version of it); a desired one is refused when the
 * gateway said so, applied once the gateway runs a version at least as new as `saved` (the version this screen saved,
 * or central's current one), pending before.
 */
export function scheduleStatus(
  schedule: GatewaySchedule,
  versions: Versions | undefined,
  saved: number | undefined,
): ScheduleStatus {
  if (schedule.source === 'config') {
    return saved !== undefined && versions !== undefined && versions.applied < saved ? 'pending' : 'config';
  }
  if (schedule.state === 'refused') return 'refused';
  if (versions === undefined) return schedule.state ?? 'pending';
  return versions.applied >= (saved ?? versions.desired) ? 'applied' : 'pending';
}

/** The versions from central's answer. */
export function versionsOf(desired: DesiredState): Versions {
  return { desired: desired.version, applied: desired.appliedVersion };
}

/** The versions after a `desired` live event of the gateway (it applied a version); unchanged by other events. */
export function advanceVersions(versions: Versions, event: DesiredEvent): Versions {
  return event.appliedVersion === undefined || event.appliedVersion <= versions.applied
    ? versions
    : { ...versions, applied: event.appliedVersion };
}

/** The status in words. */
export function statusText(status: ScheduleStatus): string {
  return fr.planning.states[status] ?? status;
}

/**
 * The site a schedule runs at: its own `site`, else the site whose id ends the id of the equipment of its first
 * output or zone (`cabinet-hotel-de-ville` is at `hotel-de-ville`), else the gateway's first site.
 */
export function siteOfSchedule<S extends { readonly id: string }>(
  schedule: GatewaySchedule,
  sites: readonly S[],
): S | undefined {
  const { site, outputs, zones, equipment } = schedule.targets;
  if (site !== undefined) return sites.find((candidate) => candidate.id === site);
  const equipmentId = (outputs?.[0] ?? zones?.[0] ?? equipment ?? '').split(':')[0] ?? '';
  return sites.find((candidate) => equipmentId.endsWith(candidate.id)) ?? sites[0];
}

/** Who may edit schedules: syndicate admins and commune staff (central answers 403 to the others). */
export function mayEditSchedules(account: Account): boolean {
  return account.role === 'syndicate-admin' || account.role === 'commune-staff';
}
