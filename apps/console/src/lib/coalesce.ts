/**
 * Wraps a refetch so that a burst of live events costs at most two fetches: called while a run is under way, it
 * runs once more when that run ends (whatever happened meanwhile is then fetched), never once per call. A push to a
 * thousand gateways sends a thousand events to an open fleet page; each used to start its own fetch of the fleet.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const start = (): Promise<void> => {
    running = run().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        // Nobody awaits this run: its callers had the previous one. A failure is the wrapped function's to report.
        start().catch(() => undefined);
      }
    });
    return running;
  };
  return () => {
    if (running === undefined) return start();
    again = true;
    return running;
  };
}
