import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { routeOpcuaLogs } from '@beffroi/fieldbus/opcua';
import { argValue, launch } from '@beffroi/runtime';
import { SimulatorExceptionFilter } from './control/simulator-exception.filter';
import { SimulatorService } from './control/simulator.service';
import { loadSimulatorConfig } from './simulator.config';
import { SimulatorModule } from './simulator.module';

launch('simulator', async (logger) => {
  // The heating controller's OPC UA server is loaded with this module: its messages are JSON log lines too.
  routeOpcuaLogs();
  const config = loadSimulatorConfig(
    argValue(process.argv, 'config') ?? process.env.BEFFROI_SIMULATOR_CONFIG ?? 'config/simulator.yaml',
  );
  const app = await NestFactory.create(SimulatorModule.forConfig(config), { logger });
  app.useGlobalFilters(new SimulatorExceptionFilter());
  const simulator = app.get(SimulatorService);
  await simulator.start();
  await app.listen(config.control.port, config.control.host);
  return { app, ports: simulator.ports() };
});
