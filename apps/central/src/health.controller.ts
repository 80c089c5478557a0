import { Controller, Get } from '@nestjs/common';

@Controller()
export class HealthController {
  @Get('health')
  health() {
    return { status: 'ok', app: 'central', uptimeSeconds: Math.round(process.uptime()) };
  }
}
