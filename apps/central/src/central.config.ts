import { duration, host, identifier, inseeCode, nonEmptyText, tcpPort } from '@beffroi/domain';
import { loadYamlFile, readCertificatesFile, readPrivateKeyFile } from '@beffroi/runtime';
import { z } from 'zod';
import { historyConfigSchema } from './history/history.config';

export const ROLES = ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'] as const;
export type Role = (typeof ROLES)[number];
export const role = z.enum(ROLES, { error: `expected one of ${ROLES.join(' | ')}` });

export const login = z
  .string({ error: 'expected a login (3-64 characters: a-z, 0-9, ".", "-", "_", "@")' })
  .regex(/^[a-z0-9][a-z0-9.@_-]{2,63}$/, {
    error: 'expected a login (3-64 characters: a-z, 0-9, ".", "-", "_", "@")',
  });
/** A password as typed; its rules (length, common passwords, not the login) are checked by `passwordProblem`. */
export const password = z
  .string({ error: 'expected a password' })
  .min(1, { error: 'expected a password' })
  .max(1000, { error: 'expected a password of at most 128 characters' });

/**
 * Tenants and accounts created at start when they do not exist yet (never changed afterwards: the API owns them).
 * Passwords come from the environment variable named by `passwordEnv`, or `password` (only with `demo: true`).
 */
const seedAccount = z
  .strictObject({
    login,
    name: nonEmptyText,
    role,
    /** A syndicate id or a commune INSEE code. */
    tenant: z.string({ error: 'expected a syndicate id or a commune INSEE code' }),
    password: password.optional(),
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name' })
      .optional(),
  })
  .refine((account) => (account.password === undefined) !== (account.passwordEnv === undefined), {
    error: 'expected exactly one of password, passwordEnv',
    path: ['password'],
  });

const count = (max: number) =>
  z
    .number({ error: `expected an integer 1..${max}` })
    .int({ error: `expected an integer 1..${max}` })
    .min(1, { error: `expected an integer 1..${max}` })
    .max(max, { error: `expected an integer 1..${max}` });

/** How hard logins of one kind of key are throttled; the defaults differ between logins and addresses. */
function throttleLimits(defaults: { freeFailures: number; lockAfter: number; concurrent: number }) {
  return z
    .strictObject({
      /** Failures in a row allowed without a wait. */
      freeFailures: count(1000).default(defaults.freeFailures),
      /** Failures in a row that lock the key for `lockFor`. */
      lockAfter: count(100_000).default(defaults.lockAfter),
      /** Attempts checked at the same time; more are answered 429 at once. */
      concurrent: count(1000).default(defaults.concurrent),
    })
    .prefault({});
}

const filePath = z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' });

/**
 * Central serves HTTPS (the API, the console and `wss://…/api/sync`) with this certificate and key, PEM files from
 * the working directory. Both are read and checked when the config is loaded, so a missing file, a key that cannot be
 * used or a key of another certificate stops the start with the key's path.
 */
const tlsFiles = z
  .strictObject({
    /** The server's certificate, then its chain (intermediate CA certificates), in one PEM file. */
    cert: filePath,
    /** Its unencrypted private key (PEM). */
    key: filePath,
  })
  .superRefine((tls, context) => {
    const cert = readCertificatesFile(tls.cert);
    const key = readPrivateKeyFile(tls.key);
    if (!cert.ok) context.addIssue({ code: 'custom', path: ['cert'], message: cert.problem });
    if (!key.ok) context.addIssue({ code: 'custom', path: ['key'], message: key.problem });
    const [leaf] = cert.ok ? cert.value : [];
    if (leaf !== undefined && key.ok && !leaf.checkPrivateKey(key.value)) {
      context.addIssue({
        code: 'custom',
        path: ['key'],
        message: `the key in ${tls.key} is not the key of the certificate in ${tls.cert}`,
      });
    }
  });

export const centralConfigSchema = z
  .strictObject({
    /**
     * A demonstration: seed accounts may have their password in the file. Every start logs a warning and `GET /health`
     * says so (the console shows a banner).
     */
    demo: z.boolean({ error: 'expected true or false' }).default(false),
    http: z
      .strictObject({ host: host.default('127.0.0.1'), port: tcpPort.default(8080), tls: tlsFiles.optional() })
      .prefault({}),
    storage: z
      .strictObject({ path: z.string({ error: 'expected a file path' }).default('var/central.sqlite') })
      .prefault({}),
    auth: z
      .strictObject({
        /** A session ends this long after its last use. */
        sessionIdle: duration(60_000, 30 * 86_400_000).default(8 * 3_600_000),
        /** … and this long after login whatever its use. */
        sessionMax: duration(60_000, 90 * 86_400_000).default(7 * 86_400_000),
        /** How often an open event stream checks that its session still lives (expiry, disabled account). */
        streamCheck: duration(50, 300_000).default(10_000),
        /** An enrolment code is valid this long after it was made. */
        enrolmentCodeTtl: duration(60_000, 30 * 86_400_000).default(86_400_000),
        /** Login throttling by login and by client address (see docs/central.md "Logins"). */
        throttle: z
          .strictObject({
            perLogin: throttleLimits({ freeFailures: 5, lockAfter: 10, concurrent: 2 }),
            perAddress: throttleLimits({ freeFailures: 20, lockAfter: 100, concurrent: 2 }),
            baseDelay: duration(0, 3_600_000).default(1_000),
            maxDelay: duration(0, 86_400_000).default(300_000),
            lockFor: duration(0, 86_400_000).default(900_000),
            forgetAfter: duration(1_000, 30 * 86_400_000).default(3_600_000),
          })
          .prefault({}),
      })
      .prefault({}),
    sync: z
      .strictObject({
        /** Largest frame accepted from a gateway; a larger one closes the connection (code 1009). */
        maxFrameBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(4 * 1024 * 1024),
        /** A socket that has not said hello by then is closed. */
        helloTimeout: duration(100, 120_000).default(10_000),
        /** How often central measures each gateway's clock. */
        pingInterval: duration(100, 3_600_000).default(60_000),
        /**
         * A gateway from which no frame at all (WebSocket pongs included) arrived for this long is offline: its
         * connection is closed and the `gateway.offline` alarm raised. Central sends a WebSocket ping every third of
         * it, so a live gateway is always heard in time. The default makes a frozen gateway offline within 60 s.
         */
        offlineAfter: duration(300, 600_000).default(45_000),
      })
      .prefault({}),
    /** Field tokens for the gateways' local APIs, signed with central's Ed25519 key (docs/security.md). */
    fieldTokens: z
      .strictObject({
        /** The private signing key (PKCS#8 PEM, mode 0600); generated at first start. Default: next to the database. */
        keyFile: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }).optional(),
        /** How long a field token is valid after it is issued. */
        ttl: duration(60_000, 24 * 3_600_000).default(12 * 3_600_000),
      })
      .prefault({}),
    commands: z
      .strictObject({
        /** A command's `notAfter` may be at most this far ahead (its default is now + 5 min). */
        maxNotAfter: duration(60_000, 30 * 86_400_000).default(86_400_000),
        /** An override's `until` may be at most this far ahead. */
        maxUntil: duration(60_000, 366 * 86_400_000).default(31 * 86_400_000),
      })
      .prefault({}),
    /** Reported measures and counters kept, their rollups, and how energy is priced (docs/energy.md). */
    history: historyConfigSchema,
    /**
     * The console's map of the syndicate's sites. Without `tiles` the map draws the markers on a plain background
     * (tiles need the internet); with them, the console loads the tiles from `url` and shows `attribution`.
     */
    map: z
      .strictObject({
        tiles: z
          .strictObject({
            /** A tile URL template with `{z}`, `{x}` and `{y}` (and optionally `{s}`): `https://tile.example.org/{z}/{x}/{y}.png`. */
            url: z
              .string({ error: 'expected a tile URL template such as "https://tile.example.org/{z}/{x}/{y}.png"' })
              .regex(/^https?:\/\/[^\s]*\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/, {
                error: 'expected a tile URL template such as "https://tile.example.org/{z}/{x}/{y}.png"',
              }),
            /** Who the tiles are from, shown on the map as the tile provider asks (`© OpenStreetMap contributors`). */
            attribution: nonEmptyText,
          })
          .optional(),
      })
      .prefault({}),
    /** Tenants and accounts to create at start if missing. */
    seed: z
      .strictObject({
        syndicates: z.array(z.strictObject({ id: identifier, name: nonEmptyText })).default([]),
        communes: z
          .array(z.strictObject({ insee: inseeCode, name: nonEmptyText.optional(), syndicate: identifier.optional() }))
          .default([]),
        accounts: z.array(seedAccount).default([]),
      })
      .prefault({}),
  })
  .superRefine((config, context) => {
    if (config.demo) return;
    config.seed.accounts.forEach((account, index) => {
      if (account.password === undefined) return;
      context.addIssue({
        code: 'custom',
        path: ['seed', 'accounts', index, 'password'],
        message:
          'a password written in the config is for demonstrations only: give passwordEnv instead, or set demo: true',
      });
    });
  });
type CentralConfigShape = z.output<typeof centralConfigSchema>;

/** Central's validated configuration (a class, so it can be injected by type). */
export abstract class CentralConfig {
  abstract readonly demo: boolean;
  abstract readonly http: CentralConfigShape['http'];
  abstract readonly storage: CentralConfigShape['storage'];
  abstract readonly auth: CentralConfigShape['auth'];
  abstract readonly sync: CentralConfigShape['sync'];
  abstract readonly commands: CentralConfigShape['commands'];
  abstract readonly fieldTokens: CentralConfigShape['fieldTokens'];
  abstract readonly seed: CentralConfigShape['seed'];
  abstract readonly history: CentralConfigShape['history'];
  abstract readonly map: CentralConfigShape['map'];
}

export function loadCentralConfig(path: string): CentralConfig {
  return loadYamlFile(centralConfigSchema, path);
}

export function centralConfig(input: unknown): CentralConfig {
  return centralConfigSchema.parse(input);
}
