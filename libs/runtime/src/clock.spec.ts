import { AdjustableClock, ManualClock, SystemClock } from './clock';

const START = new Date('2027-01-04T09:00:00Z');

describe('ManualClock', () => {
  it('shows its start and moves only when advanced', async () => {
    const clock = new ManualClock(START);
    expect(clock.now()).toEqual(START);
    expect(clock.monotonicMs()).toBe(0);
    await clock.advance(1500);
    expect(clock.now()).toEqual(new Date(START.getTime() + 1500));
    expect(clock.monotonicMs()).toBe(1500);
    expect(new ManualClock(1_000).now().getTime()).toBe(1_000);
  });

  it('runs due timers in order of due instant, then of arming, each with the clock at its instant', async () => {
    const clock = new ManualClock(START);
    const seen: string[] = [];
    const note = (name: string) => () => {
      seen.push(`${name}@${clock.monotonicMs()}`);
    };
    clock.setTimeout(note('c'), 300);
    clock.setTimeout(note('a'), 100);
    clock.setTimeout(note('b1'), 200);
    clock.setTimeout(note('b2'), 200);
    clock.setTimeout(note('late'), 1001);
    await clock.advance(1000);
    expect(seen).toEqual(['a@100', 'b1@200', 'b2@200', 'c@300']);
    expect(clock.monotonicMs()).toBe(1000);
    expect(clock.nextDueIn()).toBe(1);
    await clock.advance(1);
    expect(seen.at(-1)).toBe('late@1001');
    expect(clock.pending()).toBe(0);
    expect(clock.nextDueIn()).toBeUndefined();
  });

  it('runs a timer of 0 ms on the next advance, even of 0 ms, never at arming', async () => {
    const clock = new ManualClock();
    let runs = 0;
    clock.setTimeout(() => {
      runs++;
    }, 0);
    expect(runs).toBe(0);
    await clock.advance(0);
    expect(runs).toBe(1);
  });

  it('awaits each callback before running the next one', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.setTimeout(async () => {
      seen.push('first starts');
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.resolve();
      seen.push('first ends');
    }, 10);
    clock.setTimeout(() => {
      seen.push('second');
    }, 10);
    await clock.advance(10);
    expect(seen).toEqual(['first starts', 'first ends', 'second']);
  });

  it('runs timers armed by timers when they come due within the same advance, and no later ones', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const chain = (): void => {
      seen.push(clock.monotonicMs());
      clock.setTimeout(chain, 400);
    };
    clock.setTimeout(chain, 400);
    await clock.advance(1000);
    expect(seen).toEqual([400, 800]);
    expect(clock.nextDueIn()).toBe(200);
    // A timer armed by a timer for "now" runs within the same advance too, after those already due at that instant.
    const order: string[] = [];
    clock.setTimeout(() => {
      order.push('outer');
      clock.setTimeout(() => order.push('inner'), 0);
    }, 5);
    clock.setTimeout(() => order.push('sibling'), 5);
    await clock.advance(5);
    expect(order).toEqual(['outer', 'sibling', 'inner']);
  });

  it('repeats an interval at each multiple of its period until cancelled, even from its own callback', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const interval = clock.setInterval(() => {
      seen.push(clock.monotonicMs());
      if (seen.length === 3) interval.cancel();
    }, 250);
    await clock.advance(600);
    expect(seen).toEqual([250, 500]);
    await clock.advance(10_000);
    expect(seen).toEqual([250, 500, 750]);
    expect(clock.pending()).toBe(0);
  });

  it('interleaves an interval with timeouts by due instant', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const tick = clock.setInterval(() => seen.push(`tick@${clock.monotonicMs()}`), 100);
    clock.setTimeout(() => seen.push(`once@${clock.monotonicMs()}`), 150);
    await clock.advance(300);
    tick.cancel();
    expect(seen).toEqual(['tick@100', 'once@150', 'tick@200', 'tick@300']);
  });

  it('never runs a timer cancelled before or during the advance, by another timer', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const early = clock.setTimeout(() => seen.push('early'), 10);
    early.cancel();
    early.cancel();
    const victim = clock.setTimeout(() => seen.push('victim'), 200);
    const interval = clock.setInterval(() => seen.push('interval'), 150);
    clock.setTimeout(() => {
      seen.push('killer');
      victim.cancel();
      interval.cancel();
    }, 100);
    await clock.advance(1000);
    expect(seen).toEqual(['killer']);
    expect(clock.pending()).toBe(0);
  });

  it('set steps the wall clock alone: timers and the monotonic clock keep their course', async () => {
    const clock = new ManualClock(START);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(clock.now().toISOString()), 1000);
    clock.set(new Date('2027-01-04T08:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-01-04T08:00:00.000Z');
    expect(clock.monotonicMs()).toBe(0);
    await clock.advance(999);
    expect(seen).toEqual([]);
    clock.set(new Date('2027-01-05T00:00:00Z'));
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual(['2027-01-05T00:00:00.001Z']);
    expect(clock.monotonicMs()).toBe(1000);
  });

  it('sleep resolves once advanced past it', async () => {
    const clock = new ManualClock();
    let woke = false;
    const sleeping = clock.sleep(50).then(() => {
      woke = true;
    });
    await clock.advance(49);
    expect(woke).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('maps to and from the machine time through the current offset', () => {
    const clock = new ManualClock(START);
    const machine = new Date();
    const mapped = clock.fromSystemTime(machine).getTime();
    expect(Math.abs(mapped - START.getTime())).toBeLessThan(60_000);
    expect(clock.toSystemTime(clock.fromSystemTime(machine)).getTime()).toBeGreaterThanOrEqual(
      machine.getTime() - 60_000,
    );
  });

  it('rejects a negative advance and a second advance while one runs; a failing callback rejects its advance', async () => {
    const clock = new ManualClock();
    await expect(clock.advance(-1)).rejects.toThrow('advance(-1)');
    await expect(clock.advance(Number.NaN)).rejects.toThrow('advance(NaN)');
    let release = (): void => undefined;
    clock.setTimeout(() => new Promise<void>((resolve) => (release = resolve)), 10);
    const first = clock.advance(20);
    await expect(clock.advance(5)).rejects.toThrow('while another advance runs');
    release();
    await first;
    expect(clock.monotonicMs()).toBe(20);
    clock.setTimeout(() => {
      throw new Error('broken timer');
    }, 5);
    await expect(clock.advance(10)).rejects.toThrow('broken timer');
    expect(clock.monotonicMs()).toBe(25);
    await clock.advance(0);
    expect(clock.monotonicMs()).toBe(25);
  });
});

describe('AdjustableClock', () => {
  it('jumps its wall clock forward and back, the monotonic clock and the timers running on the machine', async () => {
    const clock = new AdjustableClock();
    const before = clock.monotonicMs();
    clock.set(START);
    expect(Math.abs(clock.now().getTime() - START.getTime())).toBeLessThan(1000);
    const machine = new Date();
    expect(Math.abs(clock.fromSystemTime(machine).getTime() - START.getTime())).toBeLessThan(1000);
    expect(clock.toSystemTime(clock.fromSystemTime(machine))).toEqual(machine);
    clock.set(new Date(START.getTime() - 3_600_000));
    expect(Math.abs(clock.now().getTime() - (START.getTime() - 3_600_000))).toBeLessThan(1000);
    expect(clock.monotonicMs()).toBeGreaterThanOrEqual(before);
    expect(clock.monotonicMs() - before).toBeLessThan(60_000);

    // A timer armed before a jump of a year fires after its duration, not at the jumped wall time.
    let fired = 0;
    const armedAt = clock.monotonicMs();
    const done = new Promise<void>((resolve) => {
      clock.setTimeout(() => {
        fired = clock.monotonicMs();
        resolve();
      }, 30);
    });
    clock.set(new Date(START.getTime() + 365 * 86_400_000));
    await done;
    expect(fired - armedAt).toBeGreaterThanOrEqual(29);
  });
});

describe('SystemClock', () => {
  it('cancels its timers and intervals', async () => {
    const clock = new SystemClock();
    let runs = 0;
    clock
      .setTimeout(() => {
        runs++;
      }, 5)
      .cancel();
    const interval = clock.setInterval(() => {
      runs += 100;
      interval.cancel();
    }, 5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(100);
  });
});
