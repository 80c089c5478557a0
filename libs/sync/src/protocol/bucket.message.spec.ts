import { SyncException, SyncExceptionCode } from '../sync.exception';
import { GATEWAY } from '../sync.fixtures';
import { parseGatewayFrame } from './parse-frame';
import { encodeMessage } from './sync.message';

const limits = { maxBytes: 64 * 1024 };

const bucket = {
  pointKey: 'armoire-1:meter.energy',
  start: '2027-03-28T00:45:00Z',
  count: 3,
  min: 1200.25,
  max: 1200.75,
  mean: 1200.5,
  last: 1200.75,
  lastAt: '2027-03-28T00:59:59.999Z',
};

function report(payload: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'report',
    v: 1,
    after: 0,
    messages: [{ gatewayId: GATEWAY, seq: 1, class: 'bucket', payload }],
  });
}

function refusal(payload: Record<string, unknown>): string {
  try {
    parseGatewayFrame(report(payload), limits);
  } catch (error) {
    if (error instanceof SyncException && error.code === SyncExceptionCode.InvalidMessage) return error.message;
    throw error;
  }
  throw new Error('expected the frame to be refused');
}

describe('bucket messages', () => {
  it('round-trip in a report', () => {
    const frame = report(bucket);
    expect(parseGatewayFrame(frame, limits)).toEqual(JSON.parse(frame));
    expect(JSON.parse(encodeMessage(parseGatewayFrame(frame, limits)))).toEqual(JSON.parse(frame));
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a start off the quarter',
      { start: '2027-03-28T00:50:00Z', lastAt: '2027-03-28T00:51:00Z' },
      'messages[0].payload.start: expected the start of a quarter of an hour (minutes 00, 15, 30 or 45, no seconds), got "2027-03-28T00:50:00Z"',
    ],
    [
      'a last reading after the quarter',
      { lastAt: '2027-03-28T01:00:00Z' },
      "messages[0].payload.lastAt: expected an instant within the bucket's quarter, from 2027-03-28T00:45:00.000Z to 2027-03-28T01:00:00.000Z (excluded)",
    ],
    ['no reading', { count: 0 }, 'messages[0].payload.count: expected the number of readings (integer 1..1000000)'],
    ['min above max', { min: 1201 }, 'messages[0].payload.max: expected max ≥ min (1201)'],
    ['a mean outside min and max', { mean: 1300 }, 'messages[0].payload.mean: expected a mean between min and max'],
    ['a last reading outside', { last: 1100 }, 'messages[0].payload.last: expected a reading between min and max'],
    [
      'a missing mean',
      { mean: undefined },
      'messages[0].payload.mean: expected the mean of the readings as a finite number',
    ],
  ])('refuses %s, naming the field', (_case, changes, message) => {
    expect(refusal({ ...bucket, ...changes })).toContain(message);
  });
});
