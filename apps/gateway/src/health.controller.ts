import { Controller, Get } from '@nestjs/common';
import { Public } from './access/local-access.guard';
import { LocalApiTransport } from './access/local-tls';
import { FieldService } from './field/field.service';
import { LoadedGatewayConfig } from './gateway.config';
import { PollerService } from './points/poller.service';

@Controller()
export class HealthController {
  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly field: FieldService,
    private readonly poller: PollerService,
    private readonly transport: LocalApiTransport,
  ) {}

  @Public()
  @Get('health')
  health() {
    const { config } = this.loaded;
    return {
      status: 'ok',
      app: 'gateway',
      gatewayId: config.gateway.id,
      commune: config.commune,
      buses: [...this.field.drivers.values()].map((driver) => driver.health()),
      polling: this.poller.stats(),
      equipment: config.buses.reduce((n, bus) => n + bus.equipment.length, 0),
      uptimeSeconds: Math.round(process.uptime()),
      localApi: this.transport.describe(),
    };
  }
}
