import { AdjustableClock } from '@beffroi/runtime';
import { CentralClock } from './central-clock.service';

describe("CentralClock: an instant of central's clock on the gateway's", () => {
  const at = new Date('2027-01-04T22:00:00.000Z');

  it('is taken as it is before any measurement, and for offsets under a second', () => {
    const central = new CentralClock(new AdjustableClock());
    expect(central.toGatewayTime(at)).toEqual(at);
    central.add({ offsetMs: 800, roundTripMs: 4 });
    expect(central.toGatewayTime(at)).toEqual(at);
  });

  it('is moved by the measured offset, in whole seconds, the same from one sample to the next', () => {
    const central = new CentralClock(new AdjustableClock());
    // Central's clock is 5 min ahead: its 23:00 is the gateway's 22:55.
    central.add({ offsetMs: 300_240, roundTripMs: 6 });
    expect(central.toGatewayTime(at).toISOString()).toBe('2027-01-04T21:55:00.000Z');
    central.add({ offsetMs: 299_910, roundTripMs: 5 });
    expect(central.toGatewayTime(at).toISOString()).toBe('2027-01-04T21:55:00.000Z');
    // Behind: later on the gateway's clock.
    const behind = new CentralClock(new AdjustableClock());
    behind.add({ offsetMs: -90_000, roundTripMs: 3 });
    expect(behind.toGatewayTime(at).toISOString()).toBe('2027-01-04T22:01:30.000Z');
  });
});
