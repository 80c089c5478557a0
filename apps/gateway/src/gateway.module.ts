import { type DynamicModule, Module } from '@nestjs/common';
import { LoadedGatewayConfig } from './gateway.config';
import { HealthController } from './health.controller';

@Module({})
export class GatewayModule {
  static forConfig(loaded: LoadedGatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController],
      providers: [{ provide: LoadedGatewayConfig, useValue: loaded }],
    };
  }
}
