import { type TelemetryPayload, telemetryPayloadSchema } from '@beffroi/sync';

const TELEMETRY_FIELDS = new Set(['pointKey', 'value', 'quality', 'observedAt', 'receivedAt']);
const { pointKey: pointKeySchema, receivedAt: instantSchema } = telemetryPayloadSchema.shape;

/**
 * The check of the telemetry of every point, without parsing each message with the whole schema of an outbox
 * message: a payload passes only if its point key passes the schema's (once per key, then remembered), its fields are
 * those of the schema, its value is a boolean, a finite number, a string or null, its quality is exactly good, or
 * stale or bad with a reason, and its instants are the last one that passed the schema's (the values of one read
 * share theirs) or pass it now. What does not pass goes through the whole schema (which says what is wrong), so
 * nothing the schema refuses is ever accepted here.
 */
export class TelemetryCheck {
  /** Point keys that passed the schema: the keys of the gateway's points, a bounded set. */
  private readonly keys = new Set<string>();
  private instant = '';

  passes(payload: TelemetryPayload): boolean {
    if (!this.isPointKey(payload.pointKey)) return false;
    for (const field of Object.keys(payload)) if (!TELEMETRY_FIELDS.has(field)) return false;
    const { value, quality } = payload as { value: unknown; quality: Record<string, unknown> };
    const scalar =
      value === null ||
      typeof value === 'boolean' ||
      typeof value === 'string' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!scalar || typeof quality !== 'object' || (quality as unknown) === null) return false;
    const fields = Object.keys(quality).length;
    const plainQuality =
      quality.status === 'good'
        ? fields === 1
        : (quality.status === 'stale' || quality.status === 'bad') &&
          fields === 2 &&
          typeof quality.reason === 'string' &&
          quality.reason.length > 0;
    if (!plainQuality) return false;
    const { observedAt, receivedAt } = payload as { observedAt?: unknown; receivedAt: unknown };
    return this.isInstant(receivedAt) && (observedAt === undefined || this.isInstant(observedAt));
  }

  private isPointKey(key: unknown): boolean {
    if (typeof key === 'string' && this.keys.has(key)) return true;
    if (!pointKeySchema.safeParse(key).success) return false;
    this.keys.add(key as string);
    return true;
  }

  private isInstant(text: unknown): boolean {
    if (text === this.instant) return true;
    if (!instantSchema.safeParse(text).success) return false;
    this.instant = text as string;
    return true;
  }
}
