import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { argValue, launch } from '@beffroi/runtime';
import { LocalApiTransport, localTls } from './access/local-tls';
import { commissioningPages, consoleDir } from './commissioning/commissioning-pages';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

launch('gateway', async (logger) => {
  const loaded = loadGatewayConfig(
    argValue(process.argv, 'config') ?? process.env.BEFFROI_GATEWAY_CONFIG ?? 'config/gateway.yaml',
  );
  const { config, profiles } = loaded;
  new Logger('Main').log(
    `gateway ${config.gateway.id} for ${config.commune.name} (${config.commune.insee}): ` +
      `${config.buses.length} buses, ${profiles.size} profiles, config ${loaded.path}`,
  );
  const tls = localTls(loaded, logger, new Date());
  const app = await NestFactory.create(GatewayModule.forConfig(loaded, new LocalApiTransport(tls?.fingerprint)), {
    logger,
    ...(tls === undefined ? {} : { httpsOptions: { key: tls.key, cert: tls.cert } }),
  });
  const pages = commissioningPages(consoleDir(__dirname));
  if (pages !== undefined) app.use(pages);
  await app.listen(config.http.port, config.http.host);
  return { app };
});
