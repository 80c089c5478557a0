import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { argValue, launch } from '@beffroi/runtime';
import { loadCentralConfig } from './central.config';
import { CentralModule } from './central.module';

launch('central', async (logger) => {
  const config = loadCentralConfig(
    argValue(process.argv, 'config') ?? process.env.BEFFROI_CENTRAL_CONFIG ?? 'config/central.yaml',
  );
  const app = await NestFactory.create(CentralModule.forConfig(config), { logger });
  await app.listen(config.http.port, config.http.host);
  return { app };
});
