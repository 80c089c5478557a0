import { type DynamicModule, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@beffroi/runtime';
import { SimulatorController } from './control/simulator.controller';
import { SimulatorService } from './control/simulator.service';
import type { SimulatorConfig } from './simulator.config';

@Module({})
export class SimulatorModule {
  static forConfig(config: SimulatorConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: SimulatorModule,
      controllers: [SimulatorController],
      providers: [
        { provide: Clock, useValue: clock },
        { provide: SimulatorService, useFactory: () => new SimulatorService(config, clock) },
      ],
      exports: [SimulatorService],
    };
  }
}
