import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { PRIORITY_SLOTS } from '@beffroi/domain';
import { z } from 'zod';
import { OwnerIsCaller } from '../access/local-access.guard';
import { AdjustableClock, Clock, ManualClock } from '@beffroi/runtime';
import { GatewayException, GatewayExceptionCode, parseInput } from '../gateway.exception';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';
import { BellService } from './bell.service';
import { ControlService } from './control.service';
import { SwitchingLog } from './switching-log.service';
import { UntilService } from './until.service';

const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 instant such as "2027-01-01T02:00:00+01:00"',
});
const value = z.union([z.boolean(), z.number(), z.string()], { error: 'expected a boolean, a number or a string' });
const owner = z.string({ error: 'expected text' }).trim().min(1, { error: 'expected non-empty text' }).max(100);

const untilText = z
  .string({ error: 'expected "next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant' })
  .max(100);
const overrideBody = z.strictObject({
  value,
  until: untilText.optional(),
  permanent: z.literal(true, { error: 'expected true (leave it out for an override that ends)' }).optional(),
  owner: owner.default('local-api'),
});
const lockoutBody = z.strictObject({ value, owner, until: instant.optional() });
const releaseQuery = z.strictObject({ owner: owner.optional() });
const liftQuery = z.union(
  [z.strictObject({ owner }), z.strictObject({ force: z.literal('true', { error: 'expected true' }), by: owner })],
  { error: 'lifting a lock-out needs its owner (owner=…), or force=true with by=<who forces it>' },
);
const clockBody = z.strictObject({ at: instant });
const listQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
  key: z.string().optional(),
});

/**
 * The gateway's control API: who decides each output and why, local overrides and the maintenance lock-out
 * (consignation), the switching and ring records, the schedules' next events, the clock.
 */
@Controller()
export class ControlController {
  constructor(
    private readonly control: ControlService,
    private readonly switchings: SwitchingLog,
    private readonly bells: BellService,
    private readonly runtime: ScheduleRuntime,
    private readonly clock: Clock,
    private readonly until: UntilService,
  ) {}

  @Get('outputs')
  outputs() {
    return this.control.list();
  }

  @Get('outputs/:key')
  explain(@Param('key') key: string) {
    return this.control.explain(key);
  }

  @Put('outputs/:key/override')
  @OwnerIsCaller()
  async override(@Param('key') key: string, @Body() body: unknown) {
    const request = parseInput(overrideBody, body, 'override');
    const { form, until } = this.until.resolve(key, request);
    const entry = { value: request.value, owner: request.owner, setAt: this.clock.now().toISOString() };
    await this.control.command(
      key,
      PRIORITY_SLOTS.manual,
      { ...entry, ...(until === null ? {} : { expiresAt: until.toISOString() }), until: form },
      'one-off',
    );
    return this.control.explain(key);
  }

  @Delete('outputs/:key/override')
  @OwnerIsCaller()
  async releaseOverride(@Param('key') key: string, @Query() query: unknown) {
    await this.control.release(key, PRIORITY_SLOTS.manual, parseInput(releaseQuery, query, 'query').owner);
    return this.control.explain(key);
  }

  @Put('outputs/:key/lockout')
  @OwnerIsCaller()
  async lockOut(@Param('key') key: string, @Body() body: unknown) {
    const request = parseInput(lockoutBody, body, 'lock-out');
    await this.control.lockOutFor(key, this.entry(request));
    return this.control.explain(key);
  }

  @Delete('outputs/:key/lockout')
  @OwnerIsCaller()
  async releaseLockOut(@Param('key') key: string, @Query() query: unknown) {
    const lift = parseInput(liftQuery, query, 'query');
    await this.control.liftLockOut(key, 'owner' in lift ? { owner: lift.owner } : { force: true, by: lift.by });
    return this.control.explain(key);
  }

  @Get('switchings')
  recentSwitchings(@Query() query: unknown) {
    const { limit, key } = parseInput(listQuery, query, 'query');
    return this.switchings.recent(limit, key);
  }

  @Get('rings')
  recentRings(@Query() query: unknown) {
    return this.bells.recent(parseInput(listQuery, query, 'query').limit);
  }

  @Get('schedules')
  schedules() {
    return this.runtime.status();
  }

  @Get('clock')
  now() {
    return {
      now: this.clock.now().toISOString(),
      mode: this.clock instanceof AdjustableClock ? 'adjustable' : 'system',
    };
  }

  @Put('clock')
  @HttpCode(200)
  async setClock(@Body() body: unknown) {
    if (!(this.clock instanceof AdjustableClock || this.clock instanceof ManualClock)) {
      throw new GatewayException(
        GatewayExceptionCode.ClockNotAdjustable,
        'this gateway runs on the system clock (clock.mode: system); set the machine time instead',
      );
    }
    this.clock.set(new Date(parseInput(clockBody, body, 'clock').at));
    await this.runtime.wakeNow();
    return this.now();
  }

  private entry(request: { value: boolean | number | string; owner: string; until?: string | undefined }) {
    return {
      value: request.value,
      owner: request.owner,
      setAt: this.clock.now().toISOString(),
      ...(request.until === undefined ? {} : { expiresAt: new Date(request.until).toISOString() }),
    };
  }
}
