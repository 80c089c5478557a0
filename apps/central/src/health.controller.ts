import { health } from '@beffroi/api';
import { Controller, Get } from '@nestjs/common';
import { Public } from './auth/auth.guard';
import { CentralConfig } from './central.config';
import { ApiDoc } from './docs/api-doc.decorator';
import { SyncPresence } from './sync/sync-presence';

@Controller()
export class HealthController {
  constructor(
    private readonly presence: SyncPresence,
    private readonly config: CentralConfig,
  ) {}

  @Public()
  @Get('health')
  @ApiDoc({
    tag: 'health',
    summary: 'Is central up?',
    returns:
      '`{status, app, demo, uptimeSeconds, gatewaysConnected}`; `demo` is true for a demonstration (`demo: true`).',
    response: health,
  })
  health() {
    return {
      status: 'ok',
      app: 'central',
      demo: this.config.demo,
      uptimeSeconds: Math.round(process.uptime()),
      gatewaysConnected: this.presence.count,
    };
  }
}
