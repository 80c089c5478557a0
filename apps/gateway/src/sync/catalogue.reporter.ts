import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type DataType, type GatewayConfig, isWritableKind, mergeTags, type Profile } from '@beffroi/domain';
import type {
  CatalogueEquipment,
  CataloguePoint,
  CatalogueSchedule,
  CatalogueStoredV1,
  CatalogueV1,
} from '@beffroi/sync';
import { LoadedGatewayConfig } from '../gateway.config';
import type { LoadedSchedule } from '../schedule/schedule-files';
import { SyncStateStore } from './sync-state.store';

/** The hash of the catalogue central said it stored. */
const STORED_KEY = 'catalogue.stored';

/** Raw values of the integer types whose range is exact in a JavaScript number. */
const RAW_RANGES: Partial<Record<DataType, { min: number; max: number }>> = {
  int16: { min: -32_768, max: 32_767 },
  uint16: { min: 0, max: 65_535 },
  int32: { min: -2_147_483_648, max: 2_147_483_647 },
  uint32: { min: 0, max: 4_294_967_295 },
};

type PointDefinition = Profile['points'][number];

/** An equipment entry of the config, as far as the catalogue is concerned. */
export interface EquipmentEntry {
  readonly id: string;
  readonly name?: string | undefined;
  readonly profile: string;
  readonly site?: string | undefined;
  /** Tags the config adds to points of the profile, by point id. */
  readonly tags?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Installed power of its lighting outputs in watts, by point id. */
  readonly installedPower?: Readonly<Record<string, number>> | undefined;
}

/**
 * What this gateway has, for central: every equipment of its config with the points of its profile (names, kinds,
 * types, units, states, ranges, whether writable, feedback), and the schedules it runs from its config file. The
 * catalogue only changes with the config, so it is built once per config (commissioning replaces the config when it
 * binds or unbinds equipment); it is sent on a connection unless central already
 * confirmed storing a catalogue with the same hash (`catalogue.stored`), which makes it one frame after each config
 * change rather than one per connection.
 */
@Injectable()
export class CatalogueReporter {
  private built: CatalogueV1 | undefined;
  /** The config the catalogue was built from: commissioning replaces it when it binds or unbinds equipment. */
  private builtFrom: GatewayConfig | undefined;

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly store: SyncStateStore,
  ) {}

  catalogue(): CatalogueV1 {
    if (this.built === undefined || this.builtFrom !== this.loaded.config) {
      this.builtFrom = this.loaded.config;
      this.built = this.build();
    }
    return this.built;
  }

  /** The catalogue to send on a new connection, or nothing when central has stored this very one. */
  async toSend(): Promise<CatalogueV1 | undefined> {
    const catalogue = this.catalogue();
    return (await this.store.get<string>(STORED_KEY)) === catalogue.hash ? undefined : catalogue;
  }

  /** Central stored the catalogue of `hash`; a hash of another catalogue (an older config) changes nothing. */
  async stored(message: CatalogueStoredV1): Promise<void> {
    if (message.hash === this.catalogue().hash) await this.store.set(STORED_KEY, message.hash);
  }

  private build(): CatalogueV1 {
    const { config, profiles, schedules } = this.loaded;
    return buildCatalogue(
      config.buses.flatMap((bus) => bus.equipment),
      profiles,
      schedules,
    );
  }
}

/** The catalogue of this equipment (each with the points of its profile) and these config schedules. */
export function buildCatalogue(
  equipment: readonly EquipmentEntry[],
  profiles: ReadonlyMap<string, Profile>,
  schedules: readonly LoadedSchedule[],
): CatalogueV1 {
  const described = equipment.map((e): CatalogueEquipment => {
    const profile = profiles.get(e.profile);
    return {
      id: e.id,
      ...(e.name === undefined ? {} : { name: e.name }),
      profile: e.profile,
      ...(profile === undefined ? {} : { profileName: profile.name }),
      ...(e.site === undefined ? {} : { site: e.site }),
      points:
        profile === undefined
          ? []
          : profile.points.map((point) => describePoint(point, e.tags?.[point.id], e.installedPower?.[point.id])),
    };
  });
  const content = { equipment: described, schedules: schedules.map(describeSchedule) };
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return { type: 'catalogue', v: 1, hash, ...content };
}

function describePoint(
  point: PointDefinition,
  configTags: readonly string[] | undefined,
  installedWatts: number | undefined,
): CataloguePoint {
  const range = rangeOf(point);
  const tags = mergeTags(point.tags, configTags);
  return {
    id: point.id,
    ...(point.name === undefined ? {} : { name: point.name }),
    kind: point.kind,
    type: point.type,
    ...(point.unit === undefined ? {} : { unit: point.unit }),
    ...(point.states === undefined ? {} : { states: point.states }),
    ...(range === undefined ? {} : { range }),
    writable: isWritableKind(point.kind),
    ...(point.feedback === undefined ? {} : { feedback: point.feedback }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(installedWatts === undefined ? {} : { installedWatts }),
    ...(point.counter === true ? { counter: true } : {}),
  };
}

/** Engineering values an integer point can hold: its raw range through scale and offset (Modbus only). */
function rangeOf(point: PointDefinition): { min: number; max: number } | undefined {
  const raw = RAW_RANGES[point.type];
  if (raw === undefined) return undefined;
  const scale = 'scale' in point ? (point.scale ?? 1) : 1;
  const offset = 'offset' in point ? (point.offset ?? 0) : 0;
  const ends = [raw.min * scale + offset, raw.max * scale + offset];
  return { min: Math.min(...ends), max: Math.max(...ends) };
}

function describeSchedule(loaded: LoadedSchedule): CatalogueSchedule {
  const entry = loaded.config;
  const site = entry.site === undefined ? {} : { site: entry.site };
  const targets =
    entry.kind === 'lighting'
      ? { outputs: entry.outputs, slot: entry.slot, ...site }
      : entry.kind === 'heating'
        ? { zones: entry.zones, slot: entry.slot, ...site }
        : { equipment: entry.equipment, ...site };
  return {
    id: entry.id,
    kind: entry.kind,
    targets,
    document: JSON.parse(JSON.stringify(loaded.schedule)) as CatalogueSchedule['document'],
    source: 'config',
  };
}
