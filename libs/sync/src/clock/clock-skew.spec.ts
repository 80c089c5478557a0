import type { ClockPongV1 } from '../protocol/clock.message';
import { SyncExceptionCode } from '../sync.exception';
import { bestClockSample, clockPong, clockSample } from './clock-skew';

/** The responder's answer to a ping sent at t0, received at t1 and answered at t2. */
const pong = (t0: string, t1: string, t2: string): ClockPongV1 =>
  clockPong({ type: 'clock.ping', v: 1, id: 7, sentAt: t0 }, new Date(t1), new Date(t2));

describe('clock skew', () => {
  it('answers a ping with its id and t0 echoed, t1 and t2 on the responder clock (t2 = t1 unless given)', () => {
    const ping = { type: 'clock.ping', v: 1, id: 3, sentAt: '2027-01-15T18:00:00.000Z' } as const;
    expect(clockPong(ping, new Date('2027-01-15T18:00:05.040Z'))).toEqual({
      type: 'clock.pong',
      v: 1,
      id: 3,
      pingSentAt: '2027-01-15T18:00:00.000Z',
      receivedAt: '2027-01-15T18:00:05.040Z',
      sentAt: '2027-01-15T18:00:05.040Z',
    });
  });

  it.each([
    // t0, t1, t2, t3 → offset, round trip
    ['in sync, symmetric 40 ms legs', '18:00:00.000', '18:00:00.040', '18:00:00.050', '18:00:00.090', 0, 80],
    ['responder 5 s ahead', '18:00:00.000', '18:00:05.040', '18:00:05.050', '18:00:00.090', 5000, 80],
    ['responder 2 min behind', '18:00:00.000', '17:58:00.010', '17:58:00.010', '18:00:00.020', -120_000, 20],
    [
      'asymmetric legs: error within half the round trip',
      '18:00:00.000',
      '18:00:00.090',
      '18:00:00.090',
      '18:00:00.100',
      40,
      100,
    ],
  ])('%s', (_case, t0, t1, t2, t3, offsetMs, roundTripMs) => {
    const iso = (time: string) => `2027-01-15T${time}Z`;
    expect(clockSample(pong(iso(t0), iso(t1), iso(t2)), new Date(iso(t3)))).toEqual({ offsetMs, roundTripMs });
  });

  it('refuses timestamps that cannot come from one exchange', () => {
    const bad = pong('2027-01-15T18:00:00.000Z', '2027-01-15T18:00:00.050Z', '2027-01-15T18:00:00.040Z');
    expect(() => clockSample(bad, new Date('2027-01-15T18:00:00.100Z'))).toThrow(
      expect.objectContaining({ code: SyncExceptionCode.InvalidClockSample }) as Error,
    );
    const backwards = pong('2027-01-15T18:00:00.000Z', '2027-01-15T18:00:00.010Z', '2027-01-15T18:00:00.010Z');
    expect(() => clockSample(backwards, new Date('2027-01-15T17:59:59.000Z'))).toThrow(/negative round trip/);
  });

  it('trusts the exchange with the shortest round trip', () => {
    const samples = [
      { offsetMs: 900, roundTripMs: 1500 },
      { offsetMs: 120, roundTripMs: 30 },
      { offsetMs: 300, roundTripMs: 400 },
    ];
    expect(bestClockSample(samples)).toEqual({ offsetMs: 120, roundTripMs: 30 });
    expect(bestClockSample([])).toBeUndefined();
  });
});
