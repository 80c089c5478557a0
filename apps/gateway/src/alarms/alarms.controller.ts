import { Controller, Get, Query } from '@nestjs/common';
import { problemsFromIssues } from '@beffroi/domain';
import { z } from 'zod';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { AlarmService } from './alarm.service';

const HOUR_MS = 3_600_000;
function count(min: number, max: number) {
  const error = `expected an integer ${min}..${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const alarmsQuery = z.strictObject({
  /** Cleared alarms of the last this many hours. */
  hours: count(1, 720).default(24),
  /** At most this many cleared alarms. */
  limit: count(1, 1000).default(100),
});

/** The gateway's alarms, answered from its own store: visible on site with or without central. */
@Controller()
export class AlarmsController {
  constructor(private readonly alarms: AlarmService) {}

  @Get('alarms')
  list(@Query() query: unknown) {
    const result = alarmsQuery.safeParse(query);
    if (!result.success) {
      throw new GatewayException(
        GatewayExceptionCode.InvalidRequest,
        'invalid query',
        problemsFromIssues(result.error.issues, query),
      );
    }
    return this.alarms.list(result.data.hours * HOUR_MS, result.data.limit);
  }
}
