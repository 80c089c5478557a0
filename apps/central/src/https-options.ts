import { readFileSync } from 'node:fs';
import type { NestApplicationOptions } from '@nestjs/common';
import type { CentralConfig } from './central.config';

/**
 * The HTTPS options of central's one server when `http.tls` is set (files checked when the config was loaded): the
 * API, the console and the sync WebSocket (`wss://`) are then served over TLS only, never also in clear.
 */
export function httpsOptionsOf(config: CentralConfig): Pick<NestApplicationOptions, 'httpsOptions'> {
  const tls = config.http.tls;
  if (tls === undefined) return {};
  return { httpsOptions: { cert: readFileSync(tls.cert, 'utf8'), key: readFileSync(tls.key, 'utf8') } };
}
