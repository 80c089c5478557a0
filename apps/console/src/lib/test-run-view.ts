import type { OutputSummary, TestRun, TestStep } from './gateway-client';

/** The slot of the maintenance lock-out (consignation) in an output's priority array (docs/gateway.md). */
export const LOCKOUT_SLOT = 8;

const LATENCY_WORDS: Readonly<Record<string, string>> = {
  on: 'marche',
  off: 'arrêt',
  readBack: 'relecture',
  strike: 'frappe',
  seen: 'vu',
  restore: 'retour',
};

/** A step's latencies in the engineer's words, in the order the gateway measured them: "marche 212 ms · arrêt 198 ms". */
export function latencyText(latencyMs: Readonly<Record<string, number>>): string {
  return Object.entries(latencyMs)
    .map(([what, ms]) => `${LATENCY_WORDS[what] ?? what} ${Math.round(ms)} ms`)
    .join(' · ');
}

/** The run has ended (passed, failed or aborted): its lock-outs are lifted and a report may be made from it. */
export function runEnded(run: Pick<TestRun, 'state'>): boolean {
  return run.state !== 'running';
}

/** The step awaiting the engineer's answer, if any: the prompt of the run names it by index. */
export function awaitingStep(run: Pick<TestRun, 'prompt' | 'steps'>): TestStep | undefined {
  const prompt = run.prompt;
  if (prompt === null) return undefined;
  return run.steps.find((step) => step.index === prompt.step);
}

/** Where each output of the equipment under test stands: under lock-out (and whose), or free. */
export interface OutputLockout {
  readonly key: string;
  readonly locked: boolean;
  readonly owner: string | undefined;
  readonly slotName: string;
}

/** The outputs of `equipment` (keys `equipment:point`), each with its lock-out state, in the gateway's order. */
export function lockoutsOf(outputs: readonly OutputSummary[], equipment: readonly string[]): OutputLockout[] {
  return outputs
    .filter((output) => equipment.some((id) => output.key.startsWith(`${id}:`)))
    .map((output) => ({
      key: output.key,
      locked: output.slot === LOCKOUT_SLOT,
      owner: output.owner,
      slotName: output.slotName,
    }));
}
