import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { conditionHolds, type PointScalar, PRIORITY_SLOTS, type PriorityEntry } from '@beffroi/domain';
import { Clock, machineClock, messageOf } from '@beffroi/runtime';
import { BellService } from '../control/bell.service';
import { ControlService, type SwitchOutcome } from '../control/control.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { PointStore } from '../points/point-store.service';
import { type PlannedStep, planEquipmentTest, setpointTestValue } from './test-plan';
import type { TestAnswer, TestOptions, TestRequest } from './test-request';

/** How many test runs the gateway keeps (running ones are never dropped). */
export const KEPT_TEST_RUNS = 10;
/** A lock-out set by a test run ends by itself after this long, should the gateway stop during the run. */
export const TEST_LOCKOUT_MS = 2 * 3_600_000;
/** How often a step waiting for a reading (alarm input, strike counter) looks at the point again. */
const WATCH_MS = 100;

export type TestStepState = 'pending' | 'running' | 'awaiting' | 'passed' | 'failed' | 'skipped';

/** One step of a test run as the local API shows it; `detail` says, in French, what was seen. */
export interface TestStepView {
  index: number;
  equipment: string;
  /** `restore`: the output handed back to arbitration at the end (lock-out lifted), and its value checked. */
  kind: PlannedStep['kind'] | 'restore';
  key: string;
  name: string;
  state: TestStepState;
  /** Measured latencies, ms: `on`/`off` (circuit), `readBack` (setpoint), `strike`, `seen` (alarm input). */
  latencyMs: Record<string, number>;
  detail?: string;
  /** While `awaiting`: what the engineer is asked to do. */
  prompt?: string;
  startedAt?: string;
  endedAt?: string;
}

/** A test run as the local API shows it. */
export interface TestRunView {
  id: string;
  /** `passed`: every step passed or was skipped; `aborted`: stopped by `DELETE` (lock-outs lifted all the same). */
  state: 'running' | 'passed' | 'failed' | 'aborted';
  equipment: string[];
  options: TestOptions;
  /** The login of who started it: the owner of its lock-outs (`local` for the local credential). */
  startedBy: string;
  startedAt: string;
  endedAt?: string;
  /** The prompt awaiting the engineer, if any (`POST …/answer`). */
  prompt: { step: number; text: string } | null;
  summary: { passed: number; failed: number; skipped: number; pending: number };
  steps: TestStepView[];
}

interface Run {
  view: TestRunView;
  plan: { step: TestStepView; planned: PlannedStep }[];
  /** Outputs under this run's lock-out, with the lock-out their holder had before the run (kept at the end). */
  locked: Map<string, PriorityEntry | undefined>;
  abort: AbortController;
  /** Resolves the step awaiting the engineer with their answer. */
  answer?: (answer: TestAnswer) => void;
  ended: Promise<void>;
}

/**
 * The commissioning test sequence (docs/commissioning.md): for one equipment or all, the engineer's maintenance
 * lock-out (slot 8, owner = their login) on every output tested, then each circuit switched both ways with its
 * feedback's latency, each setpoint written and read back, one strike per bell, each alarm input provoked by the
 * engineer (a prompt answered `confirm` or `skip`); at the end every lock-out is lifted and each output is checked to
 * show what arbitration says. Runs are kept in memory (the last {@link KEPT_TEST_RUNS}); one run at a time per
 * equipment.
 */
@Injectable()
export class TestRunService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TestRunService.name);
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly control: ControlService,
    private readonly bells: BellService,
    private readonly store: PointStore,
    private readonly clock: Clock,
  ) {}

  /** Plans and starts a run; refuses (409) an equipment already under test, or locked out by someone else. */
  start(request: TestRequest, login: string): TestRunView {
    const known = this.loaded.config.buses.flatMap((bus) => bus.equipment);
    const chosen = 'all' in request ? known : known.filter((equipment) => equipment.id === request.equipment);
    if (chosen.length === 0) {
      throw new GatewayException(
        GatewayExceptionCode.UnknownEquipment,
        `no equipment "${'equipment' in request ? request.equipment : ''}" (known: ${known.map((e) => e.id).join(', ')})`,
      );
    }
    for (const equipment of chosen) {
      const running = [...this.runs.values()].find(
        (run) => run.view.state === 'running' && run.view.equipment.includes(equipment.id),
      );
      if (running !== undefined) {
        throw new GatewayException(
          GatewayExceptionCode.TestRunning,
          `${equipment.id} is already under test (run ${running.view.id}, started by ${running.view.startedBy})`,
        );
      }
    }
    const planned = chosen.flatMap((equipment) => {
      const profile = this.loaded.profiles.get(equipment.profile);
      return profile === undefined ? [] : planEquipmentTest(equipment.id, profile, request.options);
    });
    const outputs = [...new Set(planned.filter(isOutputStep).map((step) => step.key))];
    for (const key of outputs) {
      const lock = this.control.lockOutOf(key);
      if (lock !== undefined && lock.owner !== login) {
        throw new GatewayException(
          GatewayExceptionCode.LockedOut,
          `${key}: already locked out for maintenance by ${lock.owner} since ${lock.setAt}`,
        );
      }
    }
    const id = randomUUID();
    const steps = planned.map((step, index) => ({ step: stepView(index, step), planned: step }));
    const restores = outputs.map((key, offset) =>
      restoreView(steps.length + offset, key, steps.find((s) => s.planned.key === key)?.planned.name ?? key),
    );
    const view: TestRunView = {
      id,
      state: 'running',
      equipment: chosen.map((equipment) => equipment.id),
      options: request.options,
      startedBy: login,
      startedAt: this.clock.now().toISOString(),
      prompt: null,
      summary: { passed: 0, failed: 0, skipped: 0, pending: 0 },
      steps: [...steps.map((s) => s.step), ...restores],
    };
    const run: Run = { view, plan: steps, locked: new Map(), abort: new AbortController(), ended: Promise.resolve() };
    this.runs.set(id, run);
    this.forget();
    this.logger.log(`test run ${id} of ${view.equipment.join(', ')} started by ${login}`);
    run.ended = this.execute(run, outputs).catch((error: unknown) => {
      this.logger.error(`test run ${id} failed: ${messageOf(error)}`);
    });
    return this.summarised(view);
  }

  list(): TestRunView[] {
    return [...this.runs.values()].reverse().map((run) => this.summarised(run.view));
  }

  get(id: string): TestRunView {
    return this.summarised(this.run(id).view);
  }

  /** Answers the prompt awaiting the engineer; 409 when no step awaits an answer. */
  answer(id: string, answer: TestAnswer): TestRunView {
    const run = this.run(id);
    if (run.answer === undefined) {
      throw new GatewayException(
        GatewayExceptionCode.NoPrompt,
        `test run ${id} awaits no answer (state ${run.view.state}): answer while a step shows a prompt`,
      );
    }
    run.answer(answer);
    return this.get(id);
  }

  /** Aborts a run: the step under way ends, the lock-outs are lifted and the outputs handed back to arbitration. */
  async abort(id: string): Promise<TestRunView> {
    const run = this.run(id);
    if (run.view.state === 'running') {
      this.logger.log(`test run ${id} aborted`);
      run.abort.abort();
    }
    await run.ended;
    return this.get(id);
  }

  /** Resolves once run `id` has ended (the CLI in-process, tests). */
  async ended(id: string): Promise<TestRunView> {
    await this.run(id).ended;
    return this.get(id);
  }

  /** Stopping: runs under way are aborted, their lock-outs lifted while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const run of this.runs.values()) run.abort.abort();
    await Promise.all([...this.runs.values()].map((run) => run.ended));
  }

  private async execute(run: Run, outputs: readonly string[]): Promise<void> {
    try {
      for (const key of outputs) {
        try {
          await this.lock(run, key);
        } catch (error) {
          this.logger.warn(`test run ${run.view.id}: ${key} not locked out: ${messageOf(error)}`);
        }
      }
      for (const { step, planned } of run.plan) {
        if (run.abort.signal.aborted) break;
        step.state = 'running';
        step.startedAt = this.clock.now().toISOString();
        try {
          await this.runStep(run, step, planned);
        } catch (error) {
          step.state = 'failed';
          step.detail = `erreur : ${messageOf(error)}`;
        }
        step.endedAt = this.clock.now().toISOString();
        delete step.prompt;
        run.view.prompt = null;
      }
    } finally {
      for (const step of run.view.steps) {
        if (step.kind === 'restore') await this.restore(run, step);
      }
      const failed = run.view.steps.some((step) => step.state === 'failed');
      run.view.state = run.abort.signal.aborted ? 'aborted' : failed ? 'failed' : 'passed';
      run.view.endedAt = this.clock.now().toISOString();
      this.logger.log(`test run ${run.view.id} ${run.view.state}`);
    }
  }

  /**
   * The run's lock-out on `key`, at the value the output has now (so setting it changes nothing). An output without
   * a priority array yet gets one whose default is its current reading, so lifting the lock-out leaves it as found.
   */
  private async lock(run: Run, key: string): Promise<void> {
    const previous = this.control.lockOutOf(key);
    const controlled = this.control.list().find((output) => output.key === key);
    const reading = this.store.get(key);
    const current = previous?.value ?? controlled?.value ?? (reading?.quality.status === 'good' ? reading.value : null);
    if (current === null) {
      this.logger.warn(`test run ${run.view.id}: ${key} not locked out: its value is not known (not read yet)`);
      return;
    }
    const now = this.clock.now();
    const entry: PriorityEntry = {
      value: current,
      owner: run.view.startedBy,
      setAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + TEST_LOCKOUT_MS).toISOString(),
    };
    const pending = await this.control.command(key, PRIORITY_SLOTS.maintenance, entry, 'one-off', current);
    run.locked.set(key, previous);
    await pending.outcome;
  }

  private async runStep(run: Run, step: TestStepView, planned: PlannedStep): Promise<void> {
    switch (planned.kind) {
      case 'circuit':
        return this.circuit(run, step, planned);
      case 'setpoint':
        return this.setpoint(run, step, planned);
      case 'strike':
        return this.strike(run, step, planned);
      case 'alarm':
        return this.alarm(run, step, planned);
    }
  }

  /** Both ways, starting with the opposite of what the circuit shows: each switching confirmed by its feedback. */
  private async circuit(run: Run, step: TestStepView, planned: Extract<PlannedStep, { kind: 'circuit' }>) {
    const start = this.control.lockOutOf(planned.key)?.value === true;
    const problems: string[] = [];
    for (const value of [!start, start]) {
      const phase = value ? 'on' : 'off';
      const words = value ? 'marche' : 'arrêt';
      const outcome = await this.switchUnderLock(run, planned.key, value);
      const latency = latencyOf(outcome);
      if (latency !== undefined) step.latencyMs[phase] = latency;
      if (outcome.status !== 'applied') problems.push(`${words} : ${outcome.reason}`);
      else if (latency !== undefined && latency > planned.feedbackDelayMs) {
        problems.push(
          `${words} : retour d'état après ${latency} ms, au-delà du délai du profil (${planned.feedbackDelayMs} ms)`,
        );
      }
    }
    step.state = problems.length === 0 ? 'passed' : 'failed';
    step.detail =
      problems.length === 0
        ? `retour d'état conforme (marche ${step.latencyMs.on ?? 0} ms, arrêt ${step.latencyMs.off ?? 0} ms)`
        : problems.join(' ; ');
  }

  private async setpoint(run: Run, step: TestStepView, planned: Extract<PlannedStep, { kind: 'setpoint' }>) {
    const reading = this.store.get(planned.key);
    const value = setpointTestValue(planned, reading?.quality.status === 'good' ? reading.value : null);
    const outcome = await this.switchUnderLock(run, planned.key, value);
    const latency = latencyOf(outcome);
    if (latency !== undefined) step.latencyMs.readBack = latency;
    const readBack = outcome.status === 'refused' ? undefined : outcome.write?.feedback;
    step.state = outcome.status === 'applied' && readBack === value ? 'passed' : 'failed';
    step.detail =
      step.state === 'passed'
        ? `${JSON.stringify(value)} écrit et relu`
        : `${JSON.stringify(value)} écrit, relu ${JSON.stringify(readBack ?? null)} (${outcome.reason ?? outcome.status})`;
  }

  /** One hammer strike through the bell interlocks; the bell's strike counter must count it. */
  private async strike(run: Run, step: TestStepView, planned: Extract<PlannedStep, { kind: 'strike' }>) {
    const before = planned.counterKey === undefined ? undefined : this.store.get(planned.counterKey)?.value;
    const startedMs = machineClock.monotonicMs();
    const now = this.clock.now();
    const ring = await this.bells.ringAndWait(
      'commissioning',
      step.equipment,
      { key: `commissioning:${run.view.id}/${planned.key}`, at: now, sequenceId: 'essai', dialHour: 12 },
      { name: 'Essai de mise en service', steps: [{ strike: planned.bell, count: 1, intervalMs: 0 }] },
    );
    const outcome = await ring?.finished;
    if (outcome?.state !== 'done') {
      step.state = 'failed';
      step.detail = `coup refusé ou non frappé : ${outcome?.detail ?? 'essai déjà joué'}`;
      return;
    }
    if (planned.counterKey === undefined) {
      step.state = 'passed';
      step.detail = 'coup frappé (acquitté par la commande ; pas de compteur de coups)';
      return;
    }
    const counterKey = planned.counterKey;
    const counted = await this.watch(run, planned.timeoutMs, () => {
      const now = this.store.get(counterKey);
      return typeof now?.value === 'number' && typeof before === 'number' && now.value > before;
    });
    step.latencyMs.strike = Math.round(machineClock.monotonicMs() - startedMs);
    step.state = counted === 'seen' ? 'passed' : 'failed';
    step.detail =
      counted === 'seen'
        ? `un coup frappé et compté (${counterKey})`
        : `le compteur de coups ${counterKey} n'a pas compté le coup en ${planned.timeoutMs} ms`;
  }

  /** The engineer provokes the alarm input (the prompt); passed once a reading after the prompt shows it. */
  private async alarm(run: Run, step: TestStepView, planned: Extract<PlannedStep, { kind: 'alarm' }>) {
    const since = this.clock.now().getTime();
    const startedMs = machineClock.monotonicMs();
    const shows = () => {
      const reading = this.store.get(planned.key);
      return (
        reading?.quality.status === 'good' &&
        reading.value !== null &&
        Date.parse(reading.receivedAt) >= since &&
        conditionHolds(planned.when, reading.value)
      );
    };
    step.state = 'awaiting';
    step.prompt = planned.prompt;
    run.view.prompt = { step: step.index, text: planned.prompt };
    let answered: TestAnswer | undefined;
    const answer = new Promise<TestAnswer>((resolve) => {
      run.answer = resolve;
    });
    void answer.then((given) => {
      answered = given;
    });
    const timeoutMs = run.view.options.promptTimeout * 1000;
    const seen = await this.watch(run, timeoutMs, () => shows() || answered !== undefined);
    delete run.answer;
    const latency = Math.round(machineClock.monotonicMs() - startedMs);
    if (answered === 'skip' && !shows()) {
      step.state = 'skipped';
      step.detail = 'contrôle passé par le technicien';
    } else if (shows()) {
      step.state = 'passed';
      step.latencyMs.seen = latency;
      step.detail = `alarme vue sur ${planned.key}`;
    } else {
      step.state = 'failed';
      step.detail =
        seen === 'aborted'
          ? 'essai interrompu'
          : answered === 'confirm'
            ? `confirmé par le technicien, mais ${planned.key} ne montre pas l'alarme`
            : `${planned.key} n'a pas montré l'alarme en ${run.view.options.promptTimeout} s`;
    }
  }

  /** The run's lock-out on `key` takes `value`: tried once, the outcome is the switching it causes. */
  private async switchUnderLock(run: Run, key: string, value: PointScalar): Promise<SwitchOutcome> {
    const lock = this.control.lockOutOf(key);
    if (lock?.owner !== run.view.startedBy) {
      return {
        status: 'failed',
        reason: `${key} n'est pas sous la consignation de l'essai (valeur inconnue au départ, ou consignation levée par un autre)`,
      };
    }
    const pending = await this.control.command(
      key,
      PRIORITY_SLOTS.maintenance,
      { ...lock, value },
      'one-off',
      undefined,
      { once: true },
    );
    return pending.outcome;
  }

  /** Lifts the run's lock-out on the step's output (or gives back the one its holder had) and checks the output. */
  private async restore(run: Run, step: TestStepView): Promise<void> {
    if (!run.locked.has(step.key)) {
      step.state = 'skipped';
      step.detail = 'sortie non consignée par cet essai';
      return;
    }
    step.state = 'running';
    step.startedAt = this.clock.now().toISOString();
    const previous = run.locked.get(step.key);
    const pending =
      previous === undefined
        ? await this.control.release(step.key, PRIORITY_SLOTS.maintenance, run.view.startedBy)
        : await this.control.command(step.key, PRIORITY_SLOTS.maintenance, previous, 'one-off');
    const outcome = await pending.outcome;
    const state = this.control.state(step.key);
    const latency = latencyOf(outcome);
    if (latency !== undefined) step.latencyMs.restore = latency;
    const winner = `${state.winner.name} (${state.winner.slot}${state.winner.owner === undefined ? '' : `, ${state.winner.owner}`})`;
    if (outcome.status === 'applied' && state.applied === state.winner.value) {
      step.state = 'passed';
      step.detail = `rendue à l'arbitrage : ${JSON.stringify(state.winner.value)} selon ${winner}`;
    } else {
      step.state = 'failed';
      step.detail = `rendue à l'arbitrage (${JSON.stringify(state.winner.value)} selon ${winner}), mais ${outcome.status === 'applied' ? `la sortie est à ${JSON.stringify(state.applied ?? null)}` : outcome.reason}`;
    }
    step.endedAt = this.clock.now().toISOString();
  }

  /** Looks at `condition` until it holds, the run is aborted or `timeoutMs` passes. */
  private async watch(run: Run, timeoutMs: number, condition: () => boolean): Promise<'seen' | 'timeout' | 'aborted'> {
    const deadline = machineClock.monotonicMs() + timeoutMs;
    for (;;) {
      if (condition()) return 'seen';
      if (run.abort.signal.aborted) return 'aborted';
      if (machineClock.monotonicMs() >= deadline) return 'timeout';
      await machineClock.sleep(WATCH_MS);
    }
  }

  private run(id: string): Run {
    const run = this.runs.get(id);
    if (run === undefined) {
      throw new GatewayException(
        GatewayExceptionCode.UnknownTest,
        `no test run "${id}" (the gateway keeps the last ${KEPT_TEST_RUNS}: GET /commissioning/tests)`,
      );
    }
    return run;
  }

  /** Drops the oldest ended runs beyond {@link KEPT_TEST_RUNS}. */
  private forget(): void {
    const ended = [...this.runs.values()].filter((run) => run.view.state !== 'running');
    for (const run of ended.slice(0, Math.max(0, this.runs.size - KEPT_TEST_RUNS))) this.runs.delete(run.view.id);
  }

  private summarised(view: TestRunView): TestRunView {
    const count = (state: TestStepState) => view.steps.filter((step) => step.state === state).length;
    return {
      ...view,
      summary: {
        passed: count('passed'),
        failed: count('failed'),
        skipped: count('skipped'),
        pending: view.steps.length - count('passed') - count('failed') - count('skipped'),
      },
      steps: view.steps.map((step) => ({ ...step, latencyMs: { ...step.latencyMs } })),
    };
  }
}

function isOutputStep(step: PlannedStep): step is Extract<PlannedStep, { kind: 'circuit' | 'setpoint' }> {
  return step.kind === 'circuit' || step.kind === 'setpoint';
}

function stepView(index: number, step: PlannedStep): TestStepView {
  return {
    index,
    equipment: step.key.split(':')[0] ?? '',
    kind: step.kind,
    key: step.key,
    name: step.name,
    state: 'pending',
    latencyMs: {},
  };
}

function restoreView(index: number, key: string, name: string): TestStepView {
  return {
    index,
    equipment: key.split(':')[0] ?? '',
    kind: 'restore',
    key,
    name: `${name} — remise sous arbitrage`,
    state: 'pending',
    latencyMs: {},
  };
}

/** From sending the write to its feedback confirming it (a hold by the minimum on/off time is not counted). */
function latencyOf(outcome: SwitchOutcome): number | undefined {
  if (outcome.status === 'refused' || outcome.write === undefined) return undefined;
  return Date.parse(outcome.write.finishedAt) - Date.parse(outcome.write.requestedAt);
}
