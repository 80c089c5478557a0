import {
  BusScheduler,
  DEFAULT_SCHEDULER_OPTIONS,
  type ModbusReadRequest,
  type ModbusWriteRequest,
  type SchedulerOptions,
} from './bus-scheduler';
import type { ModbusOutcome, ModbusRequest } from './modbus-link';

/** A bus whose answers the test decides; it records what went on the wire. */
class FakeWire {
  readonly sent: ModbusRequest[] = [];
  readonly pending: { request: ModbusRequest; answer: (outcome: ModbusOutcome) => void }[] = [];
  silentUnits = new Set<number>();

  execute = (request: ModbusRequest, done: (outcome: ModbusOutcome) => void): void => {
    this.sent.push(request);
    if (this.silentUnits.has(request.unit)) done({ ok: false, failure: 'timeout', reason: 'no answer' });
    else this.pending.push({ request, answer: done });
  };

  answerAll(): void {
    for (const { answer } of this.pending.splice(0)) answer({ ok: true, registers: [1] });
  }
}

const read = (unit: number, address = 0): ModbusReadRequest => ({
  kind: 'read',
  unit,
  table: 'holding-register',
  address,
  count: 1,
});

function scheduler(options: Partial<SchedulerOptions> = {}) {
  const wire = new FakeWire();
  const changes: { unit: number; online: boolean }[] = [];
  const bus = new BusScheduler(wire.execute, { ...DEFAULT_SCHEDULER_OPTIONS, ...options }, (h) =>
    changes.push({ unit: h.unit, online: h.online }),
  );
  bus.setConnected(true);
  return { wire, bus, changes };
}

const flush = () =>
  new Promise<void>((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

describe('BusScheduler', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2027, 0, 1) }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('keeps one request on the wire and sends writes before waiting polls', async () => {
    const { wire, bus } = scheduler();
    const first = bus.read(read(1, 0));
    void bus.read(read(1, 10));
    void bus.write({ kind: 'write-coils', unit: 1, address: 0, values: [true] }, new Date(Date.now() + 60_000));
    expect(wire.sent).toHaveLength(1);
    wire.answerAll();
    await first;
    await flush();
    expect(wire.sent.map((r) => r.kind)).toEqual(['read', 'write-coils']);
  });

  it('merges an identical poll that is still waiting instead of queueing it again', async () => {
    const { wire, bus } = scheduler();
    void bus.read(read(1, 0));
    const a = bus.read(read(2, 0));
    const b = bus.read(read(2, 0));
    expect(bus.queued).toBe(1);
    wire.answerAll();
    await flush();
    wire.answerAll();
    await expect(Promise.all([a, b])).resolves.toEqual([
      { ok: true, registers: [1] },
      { ok: true, registers: [1] },
    ]);
    expect(wire.sent).toHaveLength(2);
  });

  it('suspends a unit that stops answering, answers its polls at once, and probes it with backoff', async () => {
    const { wire, bus, changes } = scheduler({ retries: 0, offlineAfter: 3, probeMinMs: 1000 });
    wire.silentUnits.add(7);
    for (let i = 0; i < 3; i++) await bus.read(read(7));
    expect(changes).toEqual([{ unit: 7, online: false }]);
    const sentBefore = wire.sent.length;
    await expect(bus.read(read(7))).resolves.toMatchObject({ ok: false, failure: 'offline' });
    expect(wire.sent.length).toBe(sentBefore);
    jest.advanceTimersByTime(2000);
    wire.silentUnits.delete(7);
    const probe = bus.read(read(7));
    wire.answerAll();
    await expect(probe).resolves.toEqual({ ok: true, registers: [1] });
    expect(changes).toEqual([
      { unit: 7, online: false },
      { unit: 7, online: true },
    ]);
  });

  it('retries a request that timed out before giving up', async () => {
    const { wire, bus } = scheduler({ retries: 2 });
    wire.silentUnits.add(3);
    await expect(bus.read(read(3))).resolves.toMatchObject({ ok: false, failure: 'timeout' });
    expect(wire.sent).toHaveLength(3);
  });

  it('keeps a write while the bus is down and sends it when the bus returns', async () => {
    const { wire, bus } = scheduler();
    bus.setConnected(false);
    const write = bus.write(
      { kind: 'write-coils', unit: 1, address: 0, values: [true] },
      new Date(Date.now() + 10_000),
    );
    jest.advanceTimersByTime(5000);
    expect(wire.sent).toHaveLength(0);
    bus.setConnected(true);
    wire.answerAll();
    await expect(write).resolves.toEqual({ ok: true, registers: [1] });
  });

  it('answers a write that waited past its not-after time as expired, and never sends it', async () => {
    const { wire, bus } = scheduler();
    bus.setConnected(false);
    const write = bus.write(
      { kind: 'write-coils', unit: 1, address: 0, values: [true] },
      new Date(Date.now() + 10_000),
    );
    jest.advanceTimersByTime(10_002);
    await expect(write).resolves.toMatchObject({ ok: false, failure: 'expired' });
    bus.setConnected(true);
    expect(wire.sent).toHaveLength(0);
  });

  it('refuses a write beyond the queue bound instead of dropping it', async () => {
    const { bus } = scheduler({ maxQueuedWrites: 1 });
    bus.setConnected(false);
    const notAfter = new Date(Date.now() + 10_000);
    void bus.write({ kind: 'write-registers', unit: 1, address: 0, values: [1] }, notAfter);
    await expect(bus.write({ kind: 'write-registers', unit: 1, address: 0, values: [2] }, notAfter)).resolves.toEqual({
      ok: false,
      failure: 'rejected',
      reason: 'write queue full (1 waiting)',
    });
  });

  it('answers every waiting request when stopped', async () => {
    const { bus } = scheduler();
    bus.setConnected(false);
    const write = bus.write(
      { kind: 'write-coils', unit: 1, address: 0, values: [true] },
      new Date(Date.now() + 10_000),
    );
    bus.stop();
    await expect(write).resolves.toMatchObject({ ok: false, failure: 'rejected', reason: 'bus stopped' });
  });

  describe('once writes stop waiting (the gateway is stopping)', () => {
    const coil = (unit: number): ModbusWriteRequest => ({ kind: 'write-coils', unit, address: 0, values: [true] });
    const inAMinute = () => new Date(Date.now() + 60_000);

    it('answers at once the writes waiting for the bus, and any later one while it is down, never sending them', async () => {
      const { wire, bus } = scheduler();
      bus.setConnected(false);
      const waiting = bus.write(coil(1), inAMinute());
      bus.stopWaiting();
      const refused = {
        ok: false,
        failure: 'rejected',
        reason: 'not sent: the gateway is stopping and the bus is not connected',
      };
      await expect(waiting).resolves.toEqual(refused);
      await expect(bus.write(coil(1), inAMinute())).resolves.toEqual(refused);
      bus.setConnected(true);
      expect(wire.sent).toHaveLength(0);
    });

    it('still sends the writes the bus can take now, and answers those waiting when the connection goes', async () => {
      const { wire, bus } = scheduler();
      void bus.read(read(1));
      const queued = bus.write(coil(1), inAMinute());
      bus.stopWaiting();
      wire.answerAll();
      await flush();
      expect(wire.sent.map((r) => r.kind)).toEqual(['read', 'write-coils']);
      wire.answerAll();
      await expect(queued).resolves.toEqual({ ok: true, registers: [1] });

      void bus.read(read(1));
      const stranded = bus.write(coil(1), inAMinute());
      bus.setConnected(false);
      await expect(stranded).resolves.toMatchObject({ ok: false, failure: 'rejected' });
      expect(wire.sent).toHaveLength(3);
    });

    it('answers a write whose connection goes away on the wire instead of sending it again', async () => {
      const { wire, bus } = scheduler();
      bus.stopWaiting();
      const write = bus.write(coil(1), inAMinute());
      for (const { answer } of wire.pending.splice(0))
        answer({ ok: false, failure: 'disconnected', reason: 'connection lost' });
      await expect(write).resolves.toEqual({ ok: false, failure: 'disconnected', reason: 'connection lost' });
      bus.setConnected(false);
      bus.setConnected(true);
      expect(wire.sent).toHaveLength(1);
    });

    it('answers at once a write for a unit that does not answer, until its probe is due', async () => {
      const { wire, bus } = scheduler({ retries: 0, offlineAfter: 1, probeMinMs: 1000 });
      wire.silentUnits.add(4);
      await bus.read(read(4));
      bus.stopWaiting();
      await expect(bus.write(coil(4), inAMinute())).resolves.toEqual({
        ok: false,
        failure: 'rejected',
        reason: 'not sent: the gateway is stopping and unit 4 does not answer',
      });
      expect(wire.sent).toHaveLength(1);
    });
  });

  it('leaves the inter-frame gap after each answer', async () => {
    const { wire, bus } = scheduler({ interFrameGapMs: 5 });
    const first = bus.read(read(1, 0));
    void bus.read(read(1, 10));
    wire.answerAll();
    await first;
    await flush();
    expect(wire.sent).toHaveLength(1);
    jest.advanceTimersByTime(5);
    expect(wire.sent).toHaveLength(2);
  });

  it('answers a write for an offline unit at once (unit offline), without sending it, until its probe is due', async () => {
    // Probe delays at the top of their jitter range (1000 ms).
    jest.spyOn(Math, 'random').mockReturnValue(0.999999);
    const { wire, bus } = scheduler({ retries: 0, offlineAfter: 1, probeMinMs: 1000 });
    wire.silentUnits.add(4);
    await bus.read(read(4));
    await expect(
      bus.write({ kind: 'write-coils', unit: 4, address: 0, values: [true] }, new Date(Date.now() + 60_000)),
    ).resolves.toEqual({ ok: false, failure: 'rejected', reason: 'unit offline: no answer' });
    expect(wire.sent).toHaveLength(1);
    // Once the probe is due the write is the probe: sent once, and answered by what the unit says.
    jest.advanceTimersByTime(1000);
    const probe = bus.write(
      { kind: 'write-coils', unit: 4, address: 0, values: [true] },
      new Date(Date.now() + 60_000),
    );
    await expect(probe).resolves.toEqual({ ok: false, failure: 'rejected', reason: 'unit offline: no answer' });
    expect(wire.sent).toHaveLength(2);
    // The next probe comes after a longer delay (backoff); the unit answers it.
    jest.advanceTimersByTime(5000);
    wire.silentUnits.delete(4);
    const back = bus.write({ kind: 'write-coils', unit: 4, address: 1, values: [true] }, new Date(Date.now() + 60_000));
    wire.answerAll();
    await expect(back).resolves.toEqual({ ok: true, registers: [1] });
  });

  it('answers the writes waiting behind others when their unit is declared offline', async () => {
    const { wire, bus } = scheduler({ retries: 0, offlineAfter: 1 });
    const first = bus.write(
      { kind: 'write-coils', unit: 4, address: 0, values: [true] },
      new Date(Date.now() + 60_000),
    );
    const second = bus.write(
      { kind: 'write-coils', unit: 4, address: 1, values: [true] },
      new Date(Date.now() + 60_000),
    );
    expect(wire.sent).toHaveLength(1);
    for (const { answer } of wire.pending.splice(0)) answer({ ok: false, failure: 'timeout', reason: 'no answer' });
    await expect(first).resolves.toEqual({ ok: false, failure: 'rejected', reason: 'unit offline: no answer' });
    await expect(second).resolves.toEqual({ ok: false, failure: 'rejected', reason: 'unit offline: no answer' });
    expect(wire.sent).toHaveLength(1);
  });
});
