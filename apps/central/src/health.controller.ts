import { Controller, Get } from '@nestjs/common';
import { Public } from './auth/auth.guard';
import { ApiDoc } from './docs/api-doc.decorator';
import { SyncPresence } from './sync/sync-presence';

@Controller()
export class HealthController {
  constructor(private readonly presence: SyncPresence) {}

  @Public()
  @Get('health')
  @ApiDoc({
    tag: 'health',
    summary: 'Is central up?',
    returns: '`{status, app, uptimeSeconds, gatewaysConnected}`.',
  })
  health() {
    return {
      status: 'ok',
      app: 'central',
      uptimeSeconds: Math.round(process.uptime()),
      gatewaysConnected: this.presence.count,
    };
  }
}
