import { LIVE_EVENT_TYPES, type LiveEventType } from '@beffroi/api/first-screen';

/** The part of `EventSource` the live connection uses (a test gives its own). */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export type LiveState = 'connecting' | 'open' | 'lost';

export interface LiveOptions {
  readonly url: () => string;
  readonly onEvent: (type: LiveEventType, data: unknown) => void;
  readonly onState: (state: LiveState) => void;
  /** Called when the stream is open again after it was lost: what happened meanwhile must be fetched. */
  readonly onReconnect: () => void;
  readonly open?: (url: string) => EventSourceLike;
  readonly schedule?: (run: () => void, delayMs: number) => () => void;
  readonly random?: () => number;
}

/** Delay before the `attempt`-th reconnection (0-based): doubling from 1 s up to 30 s, with up to 20 % jitter. */
export function backoffMs(attempt: number, random: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (1 + 0.2 * random));
}

/**
 * Central's live updates (`GET /api/events`) with reconnection: when the stream breaks, it is closed (the browser's
 * own retry is not used) and opened again after a growing delay; once open again, `onReconnect` says to refetch.
 * No polling: nothing is asked while the stream is open.
 */
export class LiveConnection {
  private source: EventSourceLike | undefined;
  private cancelRetry: (() => void) | undefined;
  private attempt = 0;
  private wasLost = false;
  private stopped = false;

  constructor(private readonly options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.source?.close();
    this.source = undefined;
  }

  private connect(): void {
    const open = this.options.open ?? ((url: string) => new EventSource(url));
    this.options.onState(this.wasLost ? 'lost' : 'connecting');
    const source: EventSourceLike = open(this.options.url());
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
      this.options.onState('open');
      if (this.wasLost) {
        this.wasLost = false;
        this.options.onReconnect();
      }
    };
    source.onerror = () => {
      if (this.source !== source || this.stopped) return;
      source.close();
      this.source = undefined;
      this.wasLost = true;
      this.options.onState('lost');
      const schedule =
        this.options.schedule ??
        ((run: () => void, delayMs: number) => {
          const timer = setTimeout(run, delayMs);
          return () => clearTimeout(timer);
        });
      this.cancelRetry = schedule(
        () => {
          this.cancelRetry = undefined;
          if (!this.stopped) this.connect();
        },
        backoffMs(this.attempt++, (this.options.random ?? Math.random)()),
      );
    };
    for (const type of LIVE_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        this.options.onEvent(type, JSON.parse(event.data) as unknown);
      });
    }
  }
}
