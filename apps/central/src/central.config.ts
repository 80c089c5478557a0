import { host, tcpPort } from '@beffroi/domain';
import { loadYamlFile } from '@beffroi/runtime';
import { z } from 'zod';

export const centralConfigSchema = z.strictObject({
  http: z.strictObject({ host: host.default('127.0.0.1'), port: tcpPort.default(8080) }).prefault({}),
});
export type CentralConfig = z.output<typeof centralConfigSchema>;

export function loadCentralConfig(path: string): CentralConfig {
  return loadYamlFile(centralConfigSchema, path);
}
