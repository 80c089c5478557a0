import { identifier } from '@beffroi/domain';
import { z } from 'zod';
import { desiredVersion, pointKey } from './common.schema';

/**
 * Desired state is three maps of items. Their contents are opaque here (the gateway validates them with the domain
 * and schedule schemas when it applies them) but must be JSON, keyed by an identifier, so a delta can replace or
 * remove one item at a time.
 */
export const DESIRED_SECTIONS = ['config', 'schedules', 'overrides'] as const;
export type DesiredSection = (typeof DESIRED_SECTIONS)[number];

const itemKey = z
  .string({ error: 'expected an item key (1-128 characters)' })
  .min(1, { error: 'expected an item key (1-128 characters)' })
  .max(128, { error: 'expected an item key (1-128 characters)' });
const items = <K extends z.ZodType<string>>(key: K) =>
  z.record(key, z.json({ error: 'expected a JSON value' }), {
    error: (issue) =>
      issue.code === 'invalid_key'
        ? `invalid key: ${issue.issues.map((inner) => inner.message).join('; ')}`
        : 'expected a mapping of keys to JSON values',
  });

/** Config items keyed by name, schedules keyed by schedule id, manual overrides keyed by point. */
export const desiredSectionsSchema = z.strictObject({
  config: items(itemKey),
  schedules: items(identifier),
  overrides: items(pointKey),
});
export type DesiredSections = z.output<typeof desiredSectionsSchema>;
export type DesiredItems = DesiredSections[DesiredSection];

/** The whole desired state at `version`; replaces whatever the gateway had. */
export const desiredSnapshotV1Schema = z.strictObject({
  type: z.literal('desired.snapshot'),
  v: z.literal(1),
  version: desiredVersion,
  desired: desiredSectionsSchema,
});
export type DesiredSnapshotV1 = z.output<typeof desiredSnapshotV1Schema>;

/** Items to put (replacing any with the same key) and keys to remove, per section. */
export const desiredChangesSchema = z.strictObject({
  set: z.strictObject({
    config: items(itemKey).optional(),
    schedules: items(identifier).optional(),
    overrides: items(pointKey).optional(),
  }),
  remove: z.strictObject({
    config: z.array(itemKey).optional(),
    schedules: z.array(identifier).optional(),
    overrides: z.array(pointKey).optional(),
  }),
});
export type DesiredChanges = z.output<typeof desiredChangesSchema>;

/** The changes that turn `baseVersion` into `version`; applicable only by a gateway that is exactly at `baseVersion`. */
export const desiredDeltaV1Schema = z
  .strictObject({
    type: z.literal('desired.delta'),
    v: z.literal(1),
    baseVersion: desiredVersion,
    version: desiredVersion,
    ...desiredChangesSchema.shape,
  })
  .refine((delta) => delta.version > delta.baseVersion, {
    error: 'expected version > baseVersion',
    path: ['version'],
  });
export type DesiredDeltaV1 = z.output<typeof desiredDeltaV1Schema>;

/** Gateway → central: the gateway now runs `version` (central records it, e.g. for a template push's progress). */
export const desiredAppliedV1Schema = z.strictObject({
  type: z.literal('desired.applied'),
  v: z.literal(1),
  version: desiredVersion,
});
export type DesiredAppliedV1 = z.output<typeof desiredAppliedV1Schema>;

/** Gateway → central: a delta did not start from the gateway's version; send a snapshot. */
export const desiredResyncV1Schema = z.strictObject({
  type: z.literal('desired.resync'),
  v: z.literal(1),
  /** The version the gateway is at. */
  version: desiredVersion,
});
export type DesiredResyncV1 = z.output<typeof desiredResyncV1Schema>;
