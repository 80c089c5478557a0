import { createHash } from 'node:crypto';
import type { BusConfig, GatewayConfig, Profile } from '@beffroi/domain';
import type { AcceptanceReport } from '@beffroi/sync';
import type { ReportFields } from './report-request';
import type { TestRunView } from './test-run.service';

/** One equipment of the bus map: where it answers and what it is (its profile's identity). */
export interface ReportEquipment {
  id: string;
  unit: number | null;
  site: string | null;
  profile: string;
  vendor: string | null;
  model: string | null;
  /** What identifies the device on the bus (the profile's `identification`: vendor name, product code…). */
  identification: Record<string, string>;
}

/** A scheduled change in the 24 hours after the report. */
export interface ReportSwitching {
  at: string;
  schedule: string;
  /** The value switched to, or the ring sequence. */
  what: string;
}

/** The procès-verbal de recette as stored and sent: its schema is the sync protocol's (libs/sync). */
export type { AcceptanceReport };

/** What the report is made from, gathered by the gateway at the time it is made. */
export interface ReportInputs {
  id: string;
  createdAt: Date;
  config: GatewayConfig;
  profiles: ReadonlyMap<string, Profile>;
  versions: { version: string; node: string };
  run: TestRunView;
  /** The schedules as configured (their fingerprint) and their next changes. */
  schedules: { definitions: readonly unknown[]; next: readonly ReportSwitching[] };
  central: AcceptanceReport['central'];
  fields: ReportFields;
}

const DAY_MS = 86_400_000;

/** The report from what the gateway knows; the next 24 hours are counted from `createdAt`. */
export function buildAcceptanceReport(inputs: ReportInputs): AcceptanceReport {
  const { config, run } = inputs;
  const end = inputs.createdAt.getTime() + DAY_MS;
  return {
    id: inputs.id,
    createdAt: inputs.createdAt.toISOString(),
    timeZone: config.sites[0]?.timeZone ?? 'Europe/Paris',
    commune: { insee: config.commune.insee, name: config.commune.name },
    sites: config.sites.map((site) => ({
      id: site.id,
      name: site.name,
      latitude: site.latitude,
      longitude: site.longitude,
    })),
    gateway: { id: config.gateway.id, ...inputs.versions },
    buses: config.buses.map((bus) => ({
      id: bus.id,
      protocol: bus.protocol,
      target: targetOf(bus),
      equipment: bus.equipment.map((equipment) => {
        const profile = inputs.profiles.get(equipment.profile);
        return {
          id: equipment.id,
          unit: 'unit' in equipment && typeof equipment.unit === 'number' ? equipment.unit : null,
          site: equipment.site ?? null,
          profile: equipment.profile,
          vendor: profile?.vendor ?? null,
          model: profile?.model ?? null,
          identification: Object.fromEntries(
            Object.entries(profile?.identification ?? {}).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string',
            ),
          ),
        };
      }),
    })),
    run: {
      id: run.id,
      state: run.state,
      startedBy: run.startedBy,
      startedAt: run.startedAt,
      ...(run.endedAt === undefined ? {} : { endedAt: run.endedAt }),
      summary: run.summary,
      steps: run.steps.map((step) => ({
        equipment: step.equipment,
        kind: step.kind,
        key: step.key,
        name: step.name,
        state: step.state,
        latencyMs: step.latencyMs,
        ...(step.detail === undefined ? {} : { detail: step.detail }),
      })),
    },
    schedules: {
      fingerprint: fingerprintOf(inputs.schedules.definitions),
      next24h: [...inputs.schedules.next]
        .filter((switching) => Date.parse(switching.at) < end)
        .sort((a, b) => a.at.localeCompare(b.at)),
    },
    central: inputs.central,
    fields: inputs.fields,
  };
}

/** SHA-256 of the schedules' definitions (keys sorted), the first 16 hex digits: equal schedules, equal prints. */
export function fingerprintOf(definitions: readonly unknown[]): string {
  return createHash('sha256').update(canonical(definitions)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object' && value !== null) {
    const entries = [...Object.entries(value as Record<string, unknown>)]
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function targetOf(bus: BusConfig): string {
  switch (bus.protocol) {
    case 'modbus-rtu':
      return `${bus.path} ${bus.baudRate} bauds`;
    case 'opcua':
      return bus.endpointUrl;
    case 'modbus-tcp':
    case 'modbus-rtu-over-tcp':
      return `${bus.host}:${bus.port}`;
  }
}
