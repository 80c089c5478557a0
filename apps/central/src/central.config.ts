import { duration, host, identifier, inseeCode, nonEmptyText, tcpPort } from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import { z } from 'zod';

export const ROLES = ['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'] as const;
export type Role = (typeof ROLES)[number];
export const role = z.enum(ROLES, { error: `expected one of ${ROLES.join(' | ')}` });

export const login = z
  .string({ error: 'expected a login (3-64 characters: a-z, 0-9, ".", "-", "_", "@")' })
  .regex(/^[a-z0-9][a-z0-9.@_-]{2,63}$/, {
    error: 'expected a login (3-64 characters: a-z, 0-9, ".", "-", "_", "@")',
  });
export const password = z
  .string({ error: 'expected a password of 10-200 characters' })
  .min(10, { error: 'expected a password of 10-200 characters' })
  .max(200, { error: 'expected a password of 10-200 characters' });

/**
 * Tenants and accounts created at start when they do not exist yet (never changed afterwards: the API owns them).
 * Passwords come from the environment variable named by `passwordEnv`, or `password` (demo only).
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

export const centralConfigSchema = z.strictObject({
  http: z.strictObject({ host: host.default('127.0.0.1'), port: tcpPort.default(8080) }).prefault({}),
  storage: z
    .strictObject({ path: z.string({ error: 'expected a file path' }).default('var/central.sqlite') })
    .prefault({}),
  auth: z
    .strictObject({
      /** A session ends this long after its last use. */
      sessionIdle: duration(60_000, 30 * 86_400_000).default(8 * 3_600_000),
      /** … and this long after login whatever its use. */
      sessionMax: duration(60_000, 90 * 86_400_000).default(7 * 86_400_000),
      /** An enrolment code is valid this long after it was made. */
      enrolmentCodeTtl: duration(60_000, 30 * 86_400_000).default(86_400_000),
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
});
type CentralConfigShape = z.output<typeof centralConfigSchema>;

/** Central's validated configuration (a class, so it can be injected by type). */
export abstract class CentralConfig {
  abstract readonly http: CentralConfigShape['http'];
  abstract readonly storage: CentralConfigShape['storage'];
  abstract readonly auth: CentralConfigShape['auth'];
  abstract readonly sync: CentralConfigShape['sync'];
  abstract readonly commands: CentralConfigShape['commands'];
  abstract readonly seed: CentralConfigShape['seed'];
}

export function loadCentralConfig(path: string): CentralConfig {
  return loadYamlFile(centralConfigSchema, path);
}

export function centralConfig(input: unknown): CentralConfig {
  return centralConfigSchema.parse(input);
}
