import { Controller, Get } from '@nestjs/common';
import { LoadedGatewayConfig } from './gateway.config';

@Controller()
export class HealthController {
  constructor(private readonly loaded: LoadedGatewayConfig) {}

  @Get('health')
  health() {
    const { config } = this.loaded;
    return {
      status: 'ok',
      app: 'gateway',
      gatewayId: config.gateway.id,
      commune: config.commune,
      buses: config.buses.length,
      equipment: config.buses.reduce((n, bus) => n + bus.equipment.length, 0),
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
