import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { callerOf } from '../access/local-access.guard';
import { parseInput } from '../gateway.exception';
import { testAnswerSchema, testRequestSchema } from './test-request';
import { TestRunService } from './test-run.service';

/**
 * The commissioning test sequence on the local API: started for one equipment or all under the caller's
 * maintenance lock-out, followed step by step, answered when a step asks the engineer to act, aborted at any time
 * (the lock-outs are lifted either way).
 */
@Controller('commissioning/tests')
export class TestRunController {
  constructor(private readonly tests: TestRunService) {}

  @Post()
  @HttpCode(202)
  start(@Body() body: unknown, @Req() request: Request) {
    return this.tests.start(parseInput(testRequestSchema, body, 'test'), callerOf(request)?.login ?? 'local');
  }

  @Get()
  list() {
    return this.tests.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.tests.get(id);
  }

  @Post(':id/answer')
  @HttpCode(200)
  answer(@Param('id') id: string, @Body() body: unknown) {
    return this.tests.answer(id, parseInput(testAnswerSchema, body, 'answer').answer);
  }

  @Delete(':id')
  abort(@Param('id') id: string) {
    return this.tests.abort(id);
  }
}
