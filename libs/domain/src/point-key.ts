/**
 * A point's key on its gateway: `equipmentId:pointId` (a heating zone's key, `equipmentId:zone.N`, has the same
 * shape). The one place that knows how a key is put together and taken apart.
 */
export interface PointKeyParts {
  readonly equipmentId: string;
  readonly pointId: string;
}

/** The key of point `pointId` of equipment `equipmentId`. */
export function pointKeyOf(equipmentId: string, pointId: string): string {
  return `${equipmentId}:${pointId}`;
}

/** The two parts of `key`, or undefined unless it is two non-empty parts joined by one colon. */
export function splitPointKey(key: string): PointKeyParts | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1 || key.includes(':', colon + 1)) return undefined;
  return { equipmentId: key.slice(0, colon), pointId: key.slice(colon + 1) };
}

/** The two parts of `key`; throws naming the key when it is not `equipmentId:pointId`. */
export function parsePointKey(key: string): PointKeyParts {
  const parts = splitPointKey(key);
  if (parts === undefined) throw new Error(`expected a point key "equipmentId:pointId", got ${JSON.stringify(key)}`);
  return parts;
}
