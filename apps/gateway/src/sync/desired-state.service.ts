import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import {
  type DesiredScheduleItem,
  desiredScheduleItemSchema,
  DocumentException,
  type DocumentProblem,
  PRIORITY_SLOTS,
  problemsFromIssues,
  type ScheduleEntry,
  validateDocument,
} from '@beffroi/domain';
import {
  type DesiredAppliedV1,
  type DesiredDeltaV1,
  type DesiredResultV1,
  type DesiredResyncV1,
  type DesiredSection,
  type DesiredSections,
  type DesiredSnapshotV1,
  type DesiredState,
  emptyDesiredState,
  instant,
  type OutboxMessage,
  pointScalar,
  receiveDesired,
} from '@beffroi/sync';
import { z } from 'zod';
import { Clock, messageOf } from '@beffroi/runtime';
import { CentralClock } from './central-clock.service';
import { ControlService } from '../control/control.service';
import { LoadedGatewayConfig } from '../gateway.config';
import { checkSchedule, type LoadedSchedule } from '../schedule/schedule-files';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';
import { OutboxService } from './outbox.service';
import { alarmMessage } from './report-messages';
import { SyncStateStore } from './sync-state.store';

const DESIRED_KEY = 'desired';
/** Alarms raised for desired items that could not be applied (key → message), so a restart can still clear them. */
const ALARMS_KEY = 'alarms.desired';

/** A manual override pushed by central (section `overrides`, keyed by point key). */
const overrideItemSchema = z.strictObject({
  value: pointScalar,
  /** When the override ends by itself; null or absent: until central removes it. */
  until: instant.nullable().optional(),
  owner: z
    .string({ error: 'expected the owner (1-200 characters)' })
    .trim()
    .min(1, { error: 'expected the owner (1-200 characters)' })
    .max(200, { error: 'expected the owner (1-200 characters)' }),
});
type OverrideItem = z.output<typeof overrideItemSchema>;

/** One desired item the gateway could not apply: the alarm names it and says why. */
interface ItemProblem {
  readonly section: DesiredSection;
  readonly key: string;
  readonly alarmKey: string;
  readonly label: string;
  readonly problems: readonly DocumentProblem[];
}

function describe(problems: readonly DocumentProblem[]): string {
  return problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)).join('; ');
}

/** The problems of an item as the reason central shows (at most 500 characters, as the protocol allows). */
function reasonOf(problems: readonly DocumentProblem[]): string {
  const text = problems.length === 0 ? 'not applied' : describe(problems);
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}

/**
 * Central's desired state on the gateway (docs/architecture.md "Sync"): the last applied version and its sections, kept in
 * SQLite, applied with libs/sync `receiveDesired` (newer versions only, a delta only on its exact base). Applying is
 * level-triggered — the whole state is reconciled each time, so a lost message leaves no lasting drift:
 * - `overrides` go to each output's manual slot (10) with their expiry; a key that leaves the section releases the
 *   slot if the override it put there still holds it. Like schedules, they are kept current under a maintenance
 *   lock-out (which still wins): remote *commands* are refused under it, desired state is not.
 * - `schedules` are checked exactly like the config's and run in place of config schedules of the same id.
 * - `config` is stored; nothing on the gateway reads it yet.
 * An item that cannot be applied raises an alarm naming it and the problem; the rest still applies. The outcome of
 * each version, item by item, is {@link result} (`desired.result`, sent to central after `desired.applied`).
 */
@Injectable()
export class DesiredStateService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(DesiredStateService.name);
  private state: DesiredState = emptyDesiredState();
  private lane: Promise<unknown> = Promise.resolve();
  /** Alarms raised for items that could not be applied, by key (cleared once they apply or leave the state). */
  private raised = new Map<string, string>();
  /** Problems found at boot, reported once the overrides are re-applied too. */
  private bootProblems: ItemProblem[] = [];
  /** What became of each item of the version applied last (recomputed at boot, where the state is applied again). */
  private lastResult: DesiredResultV1 | undefined;

  constructor(
    private readonly store: SyncStateStore,
    private readonly control: ControlService,
    private readonly runtime: ScheduleRuntime,
    private readonly outbox: OutboxService,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
    private readonly centralClock: CentralClock,
  ) {}

  /** The last desired-state version applied (0: none yet). */
  get version(): number {
    return this.state.version;
  }

  /** The items of the version applied last that the gateway refused, and why; nothing before a first version. */
  result(): DesiredResultV1 | undefined {
    return this.lastResult;
  }

  /** Restores the last applied state; its schedules join the boot plan. */
  async onModuleInit(): Promise<void> {
    if (this.loaded.config.central === undefined) return;
    this.state = (await this.store.get<DesiredState>(DESIRED_KEY)) ?? emptyDesiredState();
    this.raised = new Map(Object.entries((await this.store.get<Record<string, string>>(ALARMS_KEY)) ?? {}));
    if (this.state.version === 0) return;
    const { schedules, problems } = this.checkSchedules(this.state.desired);
    this.bootProblems = problems;
    await this.runtime.useDesired(schedules);
    this.logger.log(`desired state version ${this.state.version} restored (${schedules.length} schedules)`);
  }

  /** Re-asserts the overrides of the restored state once every output's priority array is loaded. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.loaded.config.central === undefined) return;
    const problems = [...this.bootProblems];
    if (this.state.version > 0) problems.push(...(await this.applyOverrides(this.state.desired, this.state.desired)));
    this.bootProblems = [];
    await this.report(problems);
  }

  /**
   * Takes a snapshot or a delta from central; resolves with the answer to send: `desired.applied` (also for a version
   * already applied), `desired.resync` on a gap, nothing for a stale version.
   */
  receive(message: DesiredSnapshotV1 | DesiredDeltaV1): Promise<DesiredAppliedV1 | DesiredResyncV1 | undefined> {
    const run = this.lane.then(() => this.receiveNow(message));
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async receiveNow(
    message: DesiredSnapshotV1 | DesiredDeltaV1,
  ): Promise<DesiredAppliedV1 | DesiredResyncV1 | undefined> {
    const receipt = receiveDesired(this.state, message);
    switch (receipt.outcome) {
      case 'ignored':
        if (receipt.reason === 'duplicate') return { type: 'desired.applied', v: 1, version: this.state.version };
        this.logger.warn(`ignored ${message.type} version ${message.version}: this gateway runs ${this.state.version}`);
        return undefined;
      case 'gap':
        this.logger.warn(
          `desired.delta from ${(message as DesiredDeltaV1).baseVersion} does not start at this gateway's version ` +
            `${this.state.version}: asking for a snapshot`,
        );
        return receipt.reply;
      case 'applied': {
        const previous = this.state;
        // Stored first: if the gateway stops half-way, the boot re-applies the whole state (level-triggered).
        await this.store.set(DESIRED_KEY, receipt.state);
        this.state = receipt.state;
        await this.apply(previous.desired, receipt.state.desired);
        this.logger.log(`desired state version ${receipt.state.version} applied (was ${previous.version})`);
        return receipt.reply;
      }
    }
  }

  private async apply(previous: DesiredSections, next: DesiredSections): Promise<void> {
    const { schedules, problems } = this.checkSchedules(next);
    if (JSON.stringify(previous.schedules) !== JSON.stringify(next.schedules)) await this.runtime.useDesired(schedules);
    problems.push(...(await this.applyOverrides(previous, next)));
    await this.report(problems);
  }

  /**
   * Raises an alarm per item that fails (again only when its problem changed), clears those raised before that now
   * apply or are gone; the alarms raised are stored with the messages.
   */
  private async report(problems: readonly ItemProblem[]): Promise<void> {
    const now = this.clock.now();
    if (this.state.version > 0) {
      const refused = problems.map((p) => ({ section: p.section, key: p.key, reason: reasonOf(p.problems) }));
      this.lastResult = { type: 'desired.result', v: 1, version: this.state.version, refused, at: now.toISOString() };
    }
    const messages: OutboxMessage[] = [];
    const raised = new Map<string, string>();
    for (const problem of problems) {
      const message = `${problem.label} not applied: ${describe(problem.problems)}`;
      this.logger.warn(message);
      raised.set(problem.alarmKey, message);
      if (this.raised.get(problem.alarmKey) !== message) {
        messages.push(alarmMessage(problem.alarmKey, 'raised', 'warning', message, now));
      }
    }
    for (const key of [...this.raised.keys()].filter((k) => !raised.has(k))) {
      messages.push(alarmMessage(key, 'cleared', 'warning', `${key}: applied or removed`, now));
    }
    if (messages.length === 0) return;
    this.raised = raised;
    await this.outbox.appendAll(messages, (manager) => this.store.set(ALARMS_KEY, Object.fromEntries(raised), manager));
  }

  /** Checks every desired schedule like a config schedule; returns those that can run and the problems of the rest. */
  private checkSchedules(desired: DesiredSections): { schedules: LoadedSchedule[]; problems: ItemProblem[] } {
    const schedules: LoadedSchedule[] = [];
    const problems: ItemProblem[] = [];
    for (const [id, item] of Object.entries(desired.schedules)) {
      const found: DocumentProblem[] = [];
      const schedule = this.checkSchedule(id, item, found);
      if (schedule !== undefined && found.length === 0) schedules.push(schedule);
      else {
        const label = `desired schedule "${id}"`;
        problems.push({ section: 'schedules', key: id, alarmKey: `desired.schedules.${id}`, label, problems: found });
      }
    }
    return { schedules, problems };
  }

  private checkSchedule(id: string, item: unknown, problems: DocumentProblem[]): LoadedSchedule | undefined {
    const parsed = desiredScheduleItemSchema.safeParse(item);
    if (!parsed.success) {
      problems.push(...problemsFromIssues(parsed.error.issues, item));
      return undefined;
    }
    const { schedule: document, ...targets }: DesiredScheduleItem = parsed.data;
    const entry: ScheduleEntry = { ...targets, id };
    try {
      return checkSchedule(
        entry,
        (schema) => validateDocument(schema, document, `desired schedule "${id}"`),
        this.loaded.config,
        this.loaded.profiles,
        '',
        problems,
      );
    } catch (error) {
      if (!(error instanceof DocumentException)) throw error;
      problems.push(
        ...error.problems.map((p) => ({ path: p.path === '' ? 'schedule' : `schedule.${p.path}`, message: p.message })),
      );
      return undefined;
    }
  }

  /** Puts each override in its output's manual slot; releases those that left the state (if still theirs). */
  private async applyOverrides(previous: DesiredSections, next: DesiredSections): Promise<ItemProblem[]> {
    const problems: ItemProblem[] = [];
    const manual = PRIORITY_SLOTS.manual;
    const now = this.clock.now();
    const problem = (key: string, found: DocumentProblem[]) =>
      problems.push({
        section: 'overrides',
        key,
        alarmKey: `desired.overrides.${key}`,
        label: `desired override of ${key}`,
        problems: found,
      });
    for (const [key, item] of Object.entries(next.overrides)) {
      const parsed = overrideItemSchema.safeParse(item);
      if (!parsed.success) {
        problem(key, problemsFromIssues(parsed.error.issues, item));
        continue;
      }
      const override = parsed.data;
      const until = override.until ?? undefined;
      const expiresAt =
        until === undefined ? undefined : this.centralClock.toGatewayTime(new Date(until)).toISOString();
      if (expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime()) continue; // over already
      const current = this.control.entryIn(key, manual);
      if (current?.owner === override.owner && current.value === override.value && current.expiresAt === expiresAt) {
        continue;
      }
      try {
        await this.control.command(
          key,
          manual,
          {
            value: override.value,
            owner: override.owner,
            setAt: now.toISOString(),
            ...(expiresAt === undefined ? {} : { expiresAt }),
          },
          'standing',
        );
      } catch (error) {
        problem(key, [{ path: '', message: messageOf(error) }]);
      }
    }
    for (const [key, item] of Object.entries(previous.overrides)) {
      const before = overrideItemSchema.safeParse(item);
      if (!before.success) continue;
      const after = Object.hasOwn(next.overrides, key) ? overrideItemSchema.safeParse(next.overrides[key]) : undefined;
      if (after?.success === true && after.data.owner === before.data.owner) continue;
      await this.release(key, before.data);
    }
    return problems;
  }

  private async release(key: string, override: OverrideItem): Promise<void> {
    try {
      await this.control.release(key, PRIORITY_SLOTS.manual, override.owner);
    } catch (error) {
      this.logger.warn(`cannot release the desired override of ${key}: ${messageOf(error)}`);
    }
  }
}
