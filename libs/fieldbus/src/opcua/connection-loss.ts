/** The reason a connection (or an attempt at one) ended, carried by the errors of the steps it cut short. */
export class ConnectionLossError extends Error {
  override readonly name = 'ConnectionLossError';
}

/**
 * Fires once, with the first reason given: the server dropped us, a keep-alive went missing, the attempt ran out of
 * time, the driver is stopping. Steps in flight raced against it fail at once with that reason.
 */
export class ConnectionLoss {
  readonly lost: Promise<string>;
  private firedWith: string | undefined;
  private resolveLost: (reason: string) => void = () => undefined;
  private readonly waiters = new Set<(reason: string) => void>();

  constructor() {
    this.lost = new Promise((resolve) => {
      this.resolveLost = resolve;
    });
  }

  get reason(): string | undefined {
    return this.firedWith;
  }

  fire(reason: string): void {
    if (this.firedWith !== undefined) return;
    this.firedWith = reason;
    this.resolveLost(reason);
    for (const waiter of this.waiters) waiter(reason);
    this.waiters.clear();
  }

  /** `step`, unless the connection is lost first: then a {@link ConnectionLossError} with the reason. */
  race<T>(step: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.firedWith !== undefined) {
        step.catch(() => undefined);
        reject(new ConnectionLossError(this.firedWith));
        return;
      }
      const onLoss = (reason: string) => {
        reject(new ConnectionLossError(reason));
      };
      this.waiters.add(onLoss);
      step.then(
        (value) => {
          this.waiters.delete(onLoss);
          resolve(value);
        },
        (error: unknown) => {
          this.waiters.delete(onLoss);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
