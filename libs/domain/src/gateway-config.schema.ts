import { z } from 'zod';
import { duration, host, identifier, intIn, nonEmptyText, tcpPort } from './common.schema';
import type { Profile, ProfileProtocol } from './profile.schema';
import { pointId } from './point.schema';
import { siteSchema } from './site.schema';
import { tagList } from './tag.schema';
import { communeSchema } from './tenant.schema';
import type { DocumentProblem } from './validation/document.exception';
import { formatPath } from './validation/parse-document';

const equipmentCommon = {
  id: identifier,
  name: nonEmptyText.optional(),
  /** Profile id (the `id` inside a config/profiles/*.yaml file). */
  profile: identifier,
  /** Site id; defaults to the gateway's first site. */
  site: identifier.optional(),
  /** Tags of this equipment's points, by point id, added to those of its profile: `{ circuit.1.command: [eclairage-stade] }`. */
  tags: z
    .record(pointId, tagList, { error: 'expected tags by point id, such as { circuit.1.command: [eclairage-voirie] }' })
    .optional(),
  /**
   * Installed power of this equipment's lighting outputs, in watts, by command point id (`{ circuit.1.command: 1800 }`):
   * the lamps on each circuit at this site. Central estimates the kWh of a cabinet without a meter from it.
   */
  installedPower: z
    .record(
      pointId,
      z
        .number({ error: 'expected watts, a number > 0 and ≤ 10000000' })
        .positive({ error: 'expected watts, a number > 0 and ≤ 10000000' })
        .max(10_000_000, { error: 'expected watts, a number > 0 and ≤ 10000000' }),
      { error: 'expected watts by output point id, such as { circuit.1.command: 1800 }' },
    )
    .optional(),
};

/** Modbus TCP allows unit 0 and 255 (addressing the server itself); a serial line allows 1..247. */
const tcpEquipment = z.strictObject({ ...equipmentCommon, unit: intIn(0, 255) });
const serialEquipment = z.strictObject({ ...equipmentCommon, unit: intIn(1, 247) });
const opcuaEquipment = z.strictObject(equipmentCommon);

/** How long a verified write waits for its feedback to match, when the bus does not say (`verifyTimeout`). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 5000;

const busCommon = {
  id: identifier,
  name: nonEmptyText.optional(),
  /** How long to wait for one answer. */
  timeout: duration(10, 60_000).default(1000),
  /** How long a verified write waits for its feedback to match. */
  verifyTimeout: duration(100, 600_000).default(DEFAULT_VERIFY_TIMEOUT_MS),
};

/** Request scheduling and fault handling of a Modbus bus. */
const modbusTuning = {
  /** Tries after the first for a request that timed out or came back garbled. */
  retries: intIn(0, 5).default(1),
  /** Consecutive failed requests after which a unit is declared offline, suspended and probed with backoff. */
  offlineAfter: intIn(1, 100).default(3),
  /** First and longest delay between probes of an offline unit. */
  probeMin: duration(100, 600_000).default(1000),
  probeMax: duration(100, 3_600_000).default(30_000),
  /** First and longest delay before reopening a lost connection (backoff with jitter in between). */
  reconnectMin: duration(10, 60_000).default(200),
  reconnectMax: duration(10, 600_000).default(30_000),
  /** Unused registers read to join two points into one request (coils and inputs: four times as many bits). */
  maxReadGap: intIn(0, 120).default(8),
  /** Registers one read may ask for (some devices accept fewer than the protocol's 125). */
  maxReadRegisters: intIn(1, 125).default(125),
};

const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export const modbusTcpBusSchema = z.strictObject({
  ...busCommon,
  protocol: z.literal('modbus-tcp'),
  ...modbusTuning,
  host,
  port: intIn(1, 65535).default(502),
  /** Requests on the wire at once (Modbus TCP matches answers by transaction id). */
  maxInFlight: intIn(1, 16).default(4),
  equipment: z.array(tcpEquipment),
});

export const modbusRtuBusSchema = z.strictObject({
  ...busCommon,
  protocol: z.literal('modbus-rtu'),
  ...modbusTuning,
  /** Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/... */
  path: z.string({ error: 'expected a serial device path such as "/dev/ttyUSB0"' }).startsWith('/', {
    error: 'expected a serial device path such as "/dev/ttyUSB0"',
  }),
  baudRate: z
    .number({ error: `expected one of ${BAUD_RATES.join(' | ')}` })
    .refine((rate) => (BAUD_RATES as readonly number[]).includes(rate), {
      error: `expected one of ${BAUD_RATES.join(' | ')}`,
    })
    .default(19200),
  parity: z.enum(['none', 'even', 'odd'], { error: 'expected none | even | odd' }).default('even'),
  dataBits: z.union([z.literal(7), z.literal(8)], { error: 'expected 7 | 8' }).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 | 2' }).default(1),
  /** Silence between the end of one exchange and the next request. */
  interFrameGap: duration(0, 1000).default(5),
  equipment: z.array(serialEquipment),
});

export const modbusRtuOverTcpBusSchema = z.strictObject({
  ...busCommon,
  protocol: z.literal('modbus-rtu-over-tcp'),
  ...modbusTuning,
  host,
  port: intIn(1, 65535),
  interFrameGap: duration(0, 1000).default(5),
  equipment: z.array(serialEquipment),
});

export const opcuaBusSchema = z.strictObject({
  ...busCommon,
  protocol: z.literal('opcua'),
  endpointUrl: z
    .string({ error: 'expected an endpoint URL such as "opc.tcp://127.0.0.1:4840"' })
    .regex(/^opc\.tcp:\/\/[^/\s]+(?:\/\S*)?$/, {
      error: 'expected an endpoint URL such as "opc.tcp://127.0.0.1:4840"',
    }),
  securityMode: z
    .enum(['None', 'Sign', 'SignAndEncrypt'], { error: 'expected None | Sign | SignAndEncrypt' })
    .default('None'),
  /** Used with Sign and SignAndEncrypt. */
  securityPolicy: z
    .enum(['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'], {
      error: 'expected Basic256Sha256 | Aes128_Sha256_RsaOaep | Aes256_Sha256_RsaPss',
    })
    .default('Basic256Sha256'),
  /** The client's PKI folder (own certificate, trusted and rejected server certificates), from the working directory. */
  pkiDir: z.string({ error: 'expected a folder path' }).default('var/pki/opcua'),
  /** UserName login (both or neither); anonymous otherwise. Keep the file readable by the gateway only. */
  userName: nonEmptyText.optional(),
  password: z.string({ error: 'expected text' }).optional(),
  equipment: z.array(opcuaEquipment),
});

export const busSchema = z.discriminatedUnion(
  'protocol',
  [modbusTcpBusSchema, modbusRtuBusSchema, modbusRtuOverTcpBusSchema, opcuaBusSchema],
  { error: 'expected protocol modbus-tcp | modbus-rtu | modbus-rtu-over-tcp | opcua' },
);
export type BusConfig = z.output<typeof busSchema>;
export type ModbusTcpBusConfig = z.output<typeof modbusTcpBusSchema>;
export type ModbusRtuBusConfig = z.output<typeof modbusRtuBusSchema>;
export type ModbusRtuOverTcpBusConfig = z.output<typeof modbusRtuOverTcpBusSchema>;
export type OpcuaBusConfig = z.output<typeof opcuaBusSchema>;
export type BusProtocol = BusConfig['protocol'];

/** The profile protocol a bus speaks. */
export function profileProtocolOf(bus: BusProtocol): ProfileProtocol {
  switch (bus) {
    case 'modbus-tcp':
    case 'modbus-rtu':
    case 'modbus-rtu-over-tcp':
      return 'modbus';
    case 'opcua':
      return 'opcua';
  }
}

function checkUnique<T>(
  items: readonly T[],
  key: (item: T) => string | number | undefined,
  path: (index: number) => PropertyKey[],
  what: string,
  ctx: z.core.$RefinementCtx,
): void {
  const seen = new Map<string | number, number>();
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else ctx.addIssue({ code: 'custom', path: path(index), message: `duplicate ${what} ${JSON.stringify(value)}` });
  });
}

const pointKeyText = z
  .string({ error: 'expected a point key "equipmentId:pointId"' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}:[a-z0-9][a-z0-9._-]{0,63}$/, {
    error: 'expected a point key "equipmentId:pointId"',
  });

const zoneKeyText = z
  .string({ error: 'expected a heating zone "equipmentId:zone.N"' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}:zone\.\d{1,2}$/, { error: 'expected a heating zone "equipmentId:zone.N"' });

/** Priority slots a schedule may fill: the commune's calendar or the syndicate's baseline programme. */
export const SCHEDULE_SLOTS = ['calendar', 'baseline'] as const;

const scheduleCommon = {
  id: identifier,
  /** The schedule file (YAML), relative to this config file. */
  file: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }),
  /** Site whose sun and time zone the schedule runs in; default: the site of its (first) equipment. */
  site: identifier.optional(),
};

const stateScheduleSlot = z
  .enum(SCHEDULE_SLOTS, { error: `expected ${SCHEDULE_SLOTS.join(' | ')}` })
  .default('calendar');

/** What each kind of schedule drives (shared by config entries and schedules pushed by central). */
const scheduleTargets = {
  lighting: {
    kind: z.literal('lighting'),
    slot: stateScheduleSlot,
    /** Command (on/off) or setpoint (level %) points the schedule drives. */
    outputs: z.array(pointKeyText).min(1, { error: 'expected at least one output' }),
  },
  heating: {
    kind: z.literal('heating'),
    slot: stateScheduleSlot,
    /** Zones the schedule drives: `zone.N.mode` gets the level, `zone.N.{comfort,eco,frost}_setpoint` the setpoints. */
    zones: z.array(zoneKeyText).min(1, { error: 'expected at least one zone' }),
  },
  bells: {
    kind: z.literal('bells'),
    /** The bell controller the rings play on (`bell.N.strike`, `bell.N.swing`, `bell.N.running`). */
    equipment: identifier,
  },
};
const SCHEDULE_KIND_ERROR = 'expected kind lighting | heating | bells';

export const scheduleConfigSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...scheduleCommon, ...scheduleTargets.lighting }),
    z.strictObject({ ...scheduleCommon, ...scheduleTargets.heating }),
    z.strictObject({ ...scheduleCommon, ...scheduleTargets.bells }),
  ],
  { error: SCHEDULE_KIND_ERROR },
);
export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;

/** A schedule entry as the gateway runs it, wherever it came from (the config file or central's desired state). */
export type ScheduleEntry = ScheduleConfig extends infer E ? (E extends unknown ? Omit<E, 'file'> : never) : never;

const desiredScheduleCommon = {
  site: identifier.optional(),
  /** The schedule document itself, the same shape as a schedule YAML file (checked by its kind's schema). */
  schedule: z.unknown().refine((document) => document !== undefined, { error: 'expected the schedule document' }),
};

/**
 * A schedule in central's desired state (section `schedules`, keyed by the schedule id): an entry of `schedules[]`
 * without `id` and `file`, carrying its document in `schedule`.
 */
export const desiredScheduleItemSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...desiredScheduleCommon, ...scheduleTargets.lighting }),
    z.strictObject({ ...desiredScheduleCommon, ...scheduleTargets.heating }),
    z.strictObject({ ...desiredScheduleCommon, ...scheduleTargets.bells }),
  ],
  { error: SCHEDULE_KIND_ERROR },
);
export type DesiredScheduleItem = z.output<typeof desiredScheduleItemSchema>;

/** Limits the gateway enforces whatever a schedule, an operator or central asks. */
const controlSchema = z.strictObject({
  /** An output switched less than this long ago is held (equipment-protection slot) until it has elapsed. */
  minimumOnOff: duration(0, 3_600_000).default(30_000),
  bells: z
    .strictObject({
      /** Bells allowed to swing at once; more are refused. */
      maxSwinging: intIn(1, 32).default(2),
      /** A swing relay is opened after this long, whatever the sequence says. */
      maxSwing: duration(1000, 3_600_000).default(300_000),
      /** After a swing stops, the hammer of that bell stays locked this long (the bell is still moving). */
      settle: duration(0, 600_000).default(10_000),
      /** A ring found due later than this (gateway down, clock moved forward) is recorded as missed, not rung. */
      lateTolerance: duration(0, 3_600_000).default(60_000),
    })
    .prefault({}),
});

const CENTRAL_URL_ERROR =
  'expected central\'s base URL such as "https://central.example.fr", "wss://central.example.fr" or "http://127.0.0.1:8080"';

/**
 * Central's base URL: http(s) or ws(s) (the same server either way: the sync socket is ws(s)://<host and path>/api/sync,
 * enrolment http(s)://<host and path>/api/enrolment), a host, an optional port and path; no query, fragment or
 * credentials.
 */
const centralUrl = z.string({ error: CENTRAL_URL_ERROR }).refine(
  (text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    return (
      ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) &&
      url.hostname !== '' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  },
  { error: CENTRAL_URL_ERROR },
);

/** Messages the outbox holds per class before it asks for help (telemetry is downsampled, the rest never dropped). */
const outboxQuota = (fallback: number) => intIn(1, 10_000_000).default(fallback);

const FINGERPRINT_ERROR = 'expected a SHA-256 certificate fingerprint: 32 hex bytes such as "5E:A1:…:0C"';

/** A SHA-256 certificate fingerprint, with or without colons, in any case; read as upper-case hex with colons. */
const fingerprint = z
  .string({ error: FINGERPRINT_ERROR })
  .regex(/^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{64}$/, { error: FINGERPRINT_ERROR })
  .transform((text) => (text.replaceAll(':', '').toUpperCase().match(/../g) ?? []).join(':'));

/** Whether a central URL is served over TLS (https or wss). */
export function isSecureCentralUrl(url: string): boolean {
  return url.startsWith('https:') || url.startsWith('wss:');
}

/** `central.reconnectMin` / `central.reconnectMax` when the config does not say. */
export const DEFAULT_CENTRAL_RECONNECT_MS = { min: 1000, max: 60_000 } as const;

/** How the gateway reaches central (docs/architecture.md "Sync"); without this section it runs alone. */
export const centralConfigSchema = z
  .strictObject({
    /** Central's base URL; the sync socket is ws(s)://<same host and path>/api/sync. */
    url: centralUrl,
    /**
     * With an https/wss url: the CA certificates (PEM file) central's certificate must chain to, instead of the
     * system's; central's host name is checked against the certificate as usual.
     */
    ca: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }).optional(),
    /**
     * With an https/wss url: the SHA-256 fingerprint of central's own certificate. Central must present exactly this
     * certificate; without `ca` its chain and host name are not checked (a self-signed certificate is fine).
     */
    fingerprint: fingerprint.optional(),
    /** The credential obtained at enrolment, from the working directory; written with mode 0600. */
    credentialFile: z
      .string({ error: 'expected a file path' })
      .min(1, { error: 'expected a file path' })
      .default('var/gateway-credential'),
    /** One-time code exchanged for the credential when `credentialFile` does not exist yet. */
    enrolmentCode: nonEmptyText.optional(),
    /** First and longest delay before reconnecting (exponential backoff with jitter in between). */
    reconnectMin: duration(10, 600_000).default(DEFAULT_CENTRAL_RECONNECT_MS.min),
    reconnectMax: duration(10, 3_600_000).default(DEFAULT_CENTRAL_RECONNECT_MS.max),
    /** At most one telemetry message per point per interval; an unchanged value is sent again after it. */
    telemetryInterval: duration(50, 3_600_000).default(10_000),
    /** Health report (equipment online, outbox sizes, clock offset) and clock exchange with central. */
    healthInterval: duration(50, 3_600_000).default(60_000),
    /**
     * How fast a backlog is caught up after an outage: messages per second, with bursts up to `burst`, on top of the
     * points' steady telemetry (each point once per `telemetryInterval`), which always flows.
     */
    drain: z
      .strictObject({
        perSecond: z
          .number({ error: 'expected a number of messages per second > 0' })
          .positive({ error: 'expected a number of messages per second > 0' })
          .max(1_000_000, { error: 'expected a number of messages per second > 0' })
          .default(200),
        burst: intIn(1, 1_000_000).default(500),
      })
      .prefault({}),
    outbox: z
      .strictObject({
        telemetry: outboxQuota(20_000),
        switching: outboxQuota(100_000),
        output: outboxQuota(20_000),
        alarm: outboxQuota(20_000),
        commandResult: outboxQuota(100_000),
        health: outboxQuota(1000),
        /** 15-minute buckets folded while central is out of reach: 7 days of 500 numeric points is 336,000. */
        bucket: outboxQuota(1_000_000),
        /** Procès-verbaux de recette not yet acknowledged by central: one per commissioning, a few per year. */
        commissioningReport: outboxQuota(1000),
      })
      .prefault({}),
  })
  .superRefine((central, ctx) => {
    for (const key of ['ca', 'fingerprint'] as const) {
      if (central[key] !== undefined && !isSecureCentralUrl(central.url)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is for a central reached over TLS: give an https:// or wss:// url`,
        });
      }
    }
    if (central.reconnectMin > central.reconnectMax) {
      ctx.addIssue({
        code: 'custom',
        path: ['reconnectMax'],
        message: `expected reconnectMax ≥ reconnectMin (${central.reconnectMin}ms)`,
      });
    }
  });
export type CentralConfig = z.output<typeof centralConfigSchema>;

const filePath = z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' });

/** Whether the local API listening on `host` is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The local API's address; off the loopback it needs TLS, or `insecure: true` said out loud (docs/security.md). */
const httpSchema = z
  .strictObject({
    host: host.default('127.0.0.1'),
    port: tcpPort.default(8081),
    /** HTTPS: both files, or neither (a self-signed certificate is then generated next to `storage.path`). */
    tls: z
      .strictObject({ certFile: filePath.optional(), keyFile: filePath.optional() })
      .superRefine((tls, ctx) => {
        if ((tls.certFile === undefined) === (tls.keyFile === undefined)) return;
        ctx.addIssue({
          code: 'custom',
          path: [tls.certFile === undefined ? 'certFile' : 'keyFile'],
          message: 'expected both certFile and keyFile, or neither (a self-signed certificate is generated)',
        });
      })
      .optional(),
    /** Plain HTTP off the loopback: a warning at every start. */
    insecure: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .superRefine((http, ctx) => {
    if (isLoopbackHost(http.host) || http.tls !== undefined || http.insecure) return;
    ctx.addIssue({
      code: 'custom',
      path: ['host'],
      message:
        `${http.host} is not a loopback address: the local API needs TLS there ` +
        '(http.tls: {} generates a self-signed certificate) or http.insecure: true',
    });
  })
  .prefault({});

/** The gateway's own configuration file (config/gateway.yaml). */
export const gatewayConfigSchema = z
  .strictObject({
    gateway: z.strictObject({ id: identifier, name: nonEmptyText.optional() }),
    commune: communeSchema,
    sites: z.array(siteSchema).min(1, { error: 'expected at least one site' }),
    http: httpSchema,
    /** The local credential of the local API (docs/security.md): for commissioning, and whenever central is away. */
    localAccess: z
      .strictObject({
        /** `false`: only field tokens signed by central open the local API. */
        enabled: z.boolean({ error: 'expected true or false' }).default(true),
        /** The credential is the value of this environment variable (at least 12 characters), not a generated one. */
        passwordEnv: z
          .string({ error: 'expected an environment variable name' })
          .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name' })
          .optional(),
        /** Where the generated credential's hash is kept (mode 0600). Default: next to `storage.path`. */
        credentialFile: filePath.optional(),
      })
      .prefault({}),
    /** The gateway's SQLite file (latest values, write log), relative to the working directory. */
    storage: z
      .strictObject({ path: z.string({ error: 'expected a file path' }).default('var/gateway.sqlite') })
      .prefault({}),
    /** Folder of equipment profiles, relative to this config file. */
    profilesDir: z.string({ error: 'expected a folder path' }).default('profiles'),
    buses: z.array(busSchema),
    /** School-holiday data (JSON, as config/data/school-holidays-*.json), relative to this config file. */
    schoolHolidays: z.string({ error: 'expected a file path' }).optional(),
    schedules: z.array(scheduleConfigSchema).default([]),
    control: controlSchema.prefault({}),
    /**
     * `system`: the machine's clock. `adjustable`: the machine's clock plus an offset that `PUT /clock` moves (tests,
     * training sessions) — never in production.
     */
    clock: z
      .strictObject({
        mode: z.enum(['system', 'adjustable'], { error: 'expected system | adjustable' }).default('system'),
      })
      .prefault({}),
    /** Central server to sync with; absent: the gateway runs alone. */
    central: centralConfigSchema.optional(),
  })
  .superRefine((config, ctx) => {
    checkUnique(
      config.sites,
      (s) => s.id,
      (i) => ['sites', i, 'id'],
      'site id',
      ctx,
    );
    checkUnique(
      config.buses,
      (b) => b.id,
      (i) => ['buses', i, 'id'],
      'bus id',
      ctx,
    );
    const equipment = config.buses.flatMap((bus, b) => bus.equipment.map((e, i) => ({ e, b, i })));
    checkUnique(
      equipment,
      (x) => x.e.id,
      (n) => ['buses', equipment[n]?.b ?? 0, 'equipment', equipment[n]?.i ?? 0, 'id'],
      'equipment id',
      ctx,
    );
    checkUnique(
      config.schedules,
      (s) => s.id,
      (i) => ['schedules', i, 'id'],
      'schedule id',
      ctx,
    );
    const siteIds = new Set(config.sites.map((s) => s.id));
    config.schedules.forEach((schedule, i) => {
      if (schedule.site !== undefined && !siteIds.has(schedule.site)) {
        ctx.addIssue({ code: 'custom', path: ['schedules', i, 'site'], message: `unknown site "${schedule.site}"` });
      }
    });
    config.buses.forEach((bus, b) => {
      if (bus.protocol === 'opcua' && (bus.userName === undefined) !== (bus.password === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['buses', b, 'password'], message: 'userName and password go together' });
      }
      if (bus.protocol !== 'opcua') {
        checkUnique(
          bus.equipment,
          (e) => e.unit,
          (i) => ['buses', b, 'equipment', i, 'unit'],
          'unit on this bus:',
          ctx,
        );
      }
      bus.equipment.forEach((e, i) => {
        if (e.site !== undefined && !siteIds.has(e.site)) {
          ctx.addIssue({
            code: 'custom',
            path: ['buses', b, 'equipment', i, 'site'],
            message: `unknown site "${e.site}"`,
          });
        }
      });
    });
  });
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Checks every equipment's profile exists and speaks its bus's protocol. */
export function checkProfileReferences(
  config: GatewayConfig,
  profiles: ReadonlyMap<string, Profile>,
): DocumentProblem[] {
  const known = [...profiles.keys()].sort().join(', ') || 'none';
  return config.buses.flatMap((bus, b) =>
    bus.equipment.flatMap((equipment, i): DocumentProblem[] => {
      const path = formatPath(['buses', b, 'equipment', i, 'profile']);
      const profile = profiles.get(equipment.profile);
      if (!profile) return [{ path, message: `unknown profile "${equipment.profile}" (known: ${known})` }];
      const expected = profileProtocolOf(bus.protocol);
      if (profile.protocol !== expected) {
        return [
          { path, message: `profile "${profile.id}" is for ${profile.protocol}, this bus speaks ${bus.protocol}` },
        ];
      }
      const points = new Map(profile.points.map((p) => [p.id, p]));
      const tags = Object.keys(equipment.tags ?? {})
        .filter((id) => !points.has(id))
        .map((id) => ({
          path: formatPath(['buses', b, 'equipment', i, 'tags', id]),
          message: `profile "${profile.id}" has no point "${id}" to tag`,
        }));
      const power = Object.keys(equipment.installedPower ?? {}).flatMap((id): DocumentProblem[] => {
        const point = points.get(id);
        const at = formatPath(['buses', b, 'equipment', i, 'installedPower', id]);
        if (point === undefined) return [{ path: at, message: `profile "${profile.id}" has no point "${id}"` }];
        if (point.kind !== 'command' || point.type !== 'bool') {
          return [
            {
              path: at,
              message: `installed power belongs to a lighting output (a bool command point); "${id}" is a ${point.type} ${point.kind} point`,
            },
          ];
        }
        return [];
      });
      return [...tags, ...power];
    }),
  );
}
