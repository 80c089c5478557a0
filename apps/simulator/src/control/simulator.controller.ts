import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { parseBody, SimulatorService } from './simulator.service';

const restartBody = z.strictObject({ downtimeMs: z.number().int().min(0).max(600_000).default(1000) });

/** The simulator's control API: see devices, inject faults, change physical inputs. */
@Controller()
export class SimulatorController {
  constructor(private readonly simulator: SimulatorService) {}

  @Get('health')
  health() {
    return { status: 'ok', app: 'simulator', devices: this.simulator.list().length };
  }

  @Get('devices')
  list() {
    return this.simulator.list();
  }

  @Get('devices/:id')
  state(@Param('id') id: string) {
    return this.simulator.state(id);
  }

  @Get('devices/:id/writes')
  writes(@Param('id') id: string) {
    return this.simulator.writes(id);
  }

  @Put('devices/:id/fault')
  setFault(@Param('id') id: string, @Body() body: unknown) {
    return this.simulator.setFault(id, body);
  }

  @Delete('devices/:id/fault')
  clearFault(@Param('id') id: string) {
    return this.simulator.setFault(id, { mode: 'none' });
  }

  @Post('devices/:id/inputs')
  @HttpCode(200)
  inputs(@Param('id') id: string, @Body() body: unknown) {
    return this.simulator.applyInputs(id, body);
  }

  @Post('devices/:id/actions/drop-connections')
  @HttpCode(200)
  drop(@Param('id') id: string) {
    return this.simulator.dropConnections(id);
  }

  @Post('devices/:id/actions/restart')
  @HttpCode(200)
  restart(@Param('id') id: string, @Body() body: unknown) {
    return this.simulator.restart(id, parseBody(restartBody, body ?? {}, 'restart').downtimeMs);
  }
}
