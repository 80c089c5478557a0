import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { argValue, launch } from '@beffroi/runtime';
import { loadCentralConfig } from './central.config';
import { CentralModule } from './central.module';
import { consoleDir, serveConsole } from './console/console-static';
import { httpsOptionsOf } from './https-options';

launch('central', async (logger) => {
  const config = loadCentralConfig(
    argValue(process.argv, 'config') ?? process.env.BEFFROI_CENTRAL_CONFIG ?? 'config/central.yaml',
  );
  const app = await NestFactory.create(CentralModule.forConfig(config), { logger, ...httpsOptionsOf(config) });
  const consoleFiles = consoleDir(__dirname);
  if (existsSync(join(consoleFiles, 'index.html'))) app.use(serveConsole(consoleFiles));
  else logger.warn(`no console at ${consoleFiles} (npm run build makes it): GET / answers 404`, 'Main');
  await app.listen(config.http.port, config.http.host);
  return { app };
});
