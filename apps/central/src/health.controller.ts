import { Controller, Get } from '@nestjs/common';
import { Public } from './auth/auth.guard';
import { SyncPresence } from './sync/sync-presence';

@Controller()
export class HealthController {
  constructor(private readonly presence: SyncPresence) {}

  @Public()
  @Get('health')
  health() {
    return {
      status: 'ok',
      app: 'central',
      uptimeSeconds: Math.round(process.uptime()),
      gatewaysConnected: this.presence.count,
    };
  }
}
