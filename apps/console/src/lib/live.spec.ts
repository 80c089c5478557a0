import { backoffMs, type EventSourceLike, LiveConnection, type LiveState } from './live';

/** An event stream the test drives: it opens, breaks and delivers when told. */
class ScriptedSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, listener);
  }

  close(): void {
    this.closed = true;
  }

  open(): void {
    this.onopen?.(new Event('open'));
  }

  fail(): void {
    this.onerror?.(new Event('error'));
  }

  deliver(type: string, data: unknown): void {
    this.listeners.get(type)?.({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
}

describe('live updates over SSE', () => {
  function connection() {
    const sources: ScriptedSource[] = [];
    const retries: { run: () => void; delayMs: number }[] = [];
    const states: LiveState[] = [];
    const events: [string, unknown][] = [];
    let refetches = 0;
    const live = new LiveConnection({
      url: () => `/api/events?access_token=t${sources.length}`,
      onEvent: (type, data) => events.push([type, data]),
      onState: (state) => states.push(state),
      onReconnect: () => refetches++,
      open: (url) => {
        const source = new ScriptedSource(url);
        sources.push(source);
        return source;
      },
      schedule: (run, delayMs) => {
        retries.push({ run, delayMs });
        return () => undefined;
      },
      random: () => 0,
    });
    return { live, sources, retries, states, events, refetches: () => refetches };
  }

  it('passes events on, and after a break reconnects with a growing delay, then asks for a refetch once', () => {
    const c = connection();
    c.live.start();
    c.sources[0]?.open();
    c.sources[0]?.deliver('point', { gatewayId: 'gw-1', pointKey: 'a:b', value: true });
    expect(c.events).toEqual([['point', { gatewayId: 'gw-1', pointKey: 'a:b', value: true }]]);
    expect(c.refetches()).toBe(0);

    c.sources[0]?.fail();
    expect(c.sources[0]?.closed).toBe(true);
    expect(c.states.at(-1)).toBe('lost');
    c.retries[0]?.run();
    c.sources[1]?.fail();
    c.retries[1]?.run();
    expect(c.retries.map((r) => r.delayMs)).toEqual([1000, 2000]);
    expect(c.states.at(-1)).toBe('lost');

    c.sources[2]?.open();
    expect(c.states.at(-1)).toBe('open');
    expect(c.refetches()).toBe(1);
    expect(c.sources[2]?.url).toBe('/api/events?access_token=t2');

    c.sources[2]?.fail();
    expect(c.retries[2]?.delayMs).toBe(1000);
  });

  it('stops for good: a break after stop schedules nothing', () => {
    const c = connection();
    c.live.start();
    c.live.stop();
    c.sources[0]?.fail();
    expect([c.sources[0]?.closed, c.retries.length]).toEqual([true, 0]);
  });

  it('backs off from 1 s doubling up to 30 s, with at most 20 % jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((attempt) => backoffMs(attempt, 0))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(backoffMs(0, 1)).toBe(1200);
  });
});
