import { coalesce } from './coalesce';

describe('coalesce', () => {
  it('runs once more after a burst of calls made during a run, not once per call', async () => {
    const releases: (() => void)[] = [];
    let runs = 0;
    const refetch = coalesce(async () => {
      runs++;
      await new Promise<void>((resolve) => releases.push(resolve));
    });

    const first = refetch();
    for (let i = 0; i < 1000; i++) void refetch();
    expect(runs).toBe(1);
    releases.shift()?.();
    await first;
    await Promise.resolve();
    expect(runs).toBe(2);
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
  });

  it('runs again on a call made once the previous run ended', async () => {
    let runs = 0;
    const refetch = coalesce(async () => {
      runs++;
      await Promise.resolve();
    });
    await refetch();
    await refetch();
    expect(runs).toBe(2);
  });

  it('keeps coalescing after a run that failed', async () => {
    let runs = 0;
    const refetch = coalesce(async () => {
      runs++;
      await Promise.resolve();
      if (runs === 1) throw new Error('network down');
    });
    await expect(refetch()).rejects.toThrow('network down');
    await refetch();
    expect(runs).toBe(2);
  });
});
