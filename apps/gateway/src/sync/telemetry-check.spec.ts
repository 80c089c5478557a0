import { outboxEnvelopeSchema, type TelemetryPayload } from '@beffroi/sync';
import { TelemetryCheck } from './telemetry-check';

const AT = '2027-01-04T18:00:00.000Z';
const GOOD: TelemetryPayload = {
  pointKey: 'cabinet:circuit.1.feedback',
  value: 12.5,
  quality: { status: 'good' },
  observedAt: AT,
  receivedAt: AT,
};

function schemaAccepts(payload: unknown): boolean {
  return outboxEnvelopeSchema.safeParse({ gatewayId: 'gw', seq: 1, class: 'telemetry', payload }).success;
}

/** Payloads the schema refuses, each one thing away from a good one. */
const REFUSED: Record<string, unknown> = {
  'a value that is not a finite number': { ...GOOD, value: Number.NaN },
  'an infinite value': { ...GOOD, value: Number.POSITIVE_INFINITY },
  'an object as value': { ...GOOD, value: { volts: 230 } },
  'a field the schema does not know': { ...GOOD, unit: 'V' },
  'a good quality with a reason': { ...GOOD, quality: { status: 'good', reason: 'why' } },
  'a bad quality without a reason': { ...GOOD, quality: { status: 'bad' } },
  'a stale quality with an empty reason': { ...GOOD, quality: { status: 'stale', reason: '' } },
  'an unknown quality': { ...GOOD, quality: { status: 'uncertain', reason: 'why' } },
  'a null quality': { ...GOOD, quality: null },
  'a received instant that is no instant': { ...GOOD, receivedAt: 'yesterday' },
  'an observed instant on a day that does not exist': { ...GOOD, observedAt: '2027-02-30T18:00:00.000Z' },
  'a point key of another shape': { ...GOOD, pointKey: 'cabinet-circuit' },
  'a point key with a third part': { ...GOOD, pointKey: 'cabinet:circuit.1:feedback' },
  'no point key': { value: 1, quality: { status: 'good' }, receivedAt: AT },
};

describe('TelemetryCheck: the telemetry of every point without parsing each message', () => {
  it('passes the readings the schema accepts, whatever their value, quality and instants', () => {
    const check = new TelemetryCheck();
    const next: TelemetryPayload[] = [
      GOOD,
      { ...GOOD, value: 13 },
      { ...GOOD, value: true },
      { ...GOOD, value: 'ouvert' },
      { ...GOOD, value: null, quality: { status: 'bad', reason: 'unit offline: no answer (timeout)' } },
      { ...GOOD, quality: { status: 'stale', reason: 'last value before the gateway restarted' } },
      { pointKey: GOOD.pointKey, value: 1, quality: { status: 'good' }, receivedAt: '2027-01-04T18:00:01.000Z' },
    ];
    for (const payload of next) {
      expect(schemaAccepts(payload)).toBe(true);
      expect(check.passes(payload)).toBe(true);
    }
  });

  it.each(Object.entries(REFUSED))('never passes what the schema refuses: %s', (_, payload) => {
    const check = new TelemetryCheck();
    expect(check.passes(GOOD)).toBe(true);
    expect(schemaAccepts(payload)).toBe(false);
    expect(check.passes(payload as TelemetryPayload)).toBe(false);
  });
});
