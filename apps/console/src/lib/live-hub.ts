import type { LiveEventType } from '@beffroi/api';

export type LiveListener = (type: LiveEventType, data: unknown) => void;

/** Hands the live updates and the "reconnected: refetch" signal to whichever page is shown. */
export class LiveHub {
  private readonly listeners = new Set<LiveListener>();
  private readonly refetchers = new Set<() => void>();

  /** Listens to live updates until the returned function is called. */
  subscribe(listener: LiveListener, refetch: () => void): () => void {
    this.listeners.add(listener);
    this.refetchers.add(refetch);
    return () => {
      this.listeners.delete(listener);
      this.refetchers.delete(refetch);
    };
  }

  publish(type: LiveEventType, data: unknown): void {
    for (const listener of this.listeners) listener(type, data);
  }

  reconnected(): void {
    for (const refetch of this.refetchers) refetch();
  }
}
