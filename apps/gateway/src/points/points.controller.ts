import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '@beffroi/runtime';
import { parseInput } from '../gateway.exception';
import { LocalWriteService } from '../control/local-write.service';
import { PointsService } from './points.service';

const DEFAULT_WRITE_VALIDITY_MS = 30_000;

const writeBody = z.strictObject({
  value: z.union([z.boolean(), z.number(), z.string()], { error: 'expected a boolean, a number or a string' }),
  /** The write is never sent after this instant; default: 30 s from now. */
  notAfter: z.iso
    .datetime({ offset: true, error: 'expected an ISO-8601 instant such as "2027-01-01T18:00:00Z"' })
    .optional(),
  /** An output's write lasts until then (see docs/gateway.md "Switch now"); default: its next scheduled transition. */
  until: z
    .string({ error: 'expected "next-transition", "sunrise", a local time "HH:MM" or an ISO-8601 instant' })
    .max(100)
    .optional(),
  permanent: z.literal(true, { error: 'expected true (leave it out for a write that ends)' }).optional(),
  /** Who writes; the holder of a lock-out names itself to write under it. */
  owner: z.string({ error: 'expected text' }).trim().min(1, { error: 'expected non-empty text' }).max(100).optional(),
});

const listQuery = z.strictObject({
  limit: z.coerce.number({ error: 'expected an integer 1..1000' }).int().min(1).max(1000).default(100),
});

/**
 * The gateway's local API: read-only views of points and equipment, and verified writes for commissioning (a write to
 * an output is arbitrated: LocalWriteService).
 */
@Controller()
export class PointsController {
  constructor(
    private readonly points: PointsService,
    private readonly clock: Clock,
    private readonly localWrites: LocalWriteService,
  ) {}

  @Get('points')
  list() {
    return this.points.list();
  }

  @Get('equipment')
  equipmentList() {
    return this.points.equipmentList();
  }

  @Get('equipment/:id')
  equipment(@Param('id') id: string) {
    return this.points.equipment(id);
  }

  @Post('points/:key/write')
  @HttpCode(200)
  write(@Param('key') key: string, @Body() body: unknown) {
    const { notAfter, owner, ...request } = parseInput(writeBody, body, 'write');
    const deadline =
      notAfter === undefined ? new Date(this.clock.now().getTime() + DEFAULT_WRITE_VALIDITY_MS) : new Date(notAfter);
    return this.localWrites.write(key, { ...request, notAfter: deadline, owner: owner ?? 'local-api' });
  }

  @Get('writes')
  writes(@Query() query: unknown) {
    return this.points.recentWrites(parseInput(listQuery, query, 'query').limit);
  }
}
