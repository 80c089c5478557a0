import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { httpAddressOf } from '@beffroi/runtime';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { SystemClock } from '@beffroi/runtime';
import { readYaml, RunConfigs } from '../../tools/run-configs';
import { type SimulatorHarness, startSimulator } from './simulator-harness';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The demo as shipped, in this process: the simulator from config/simulator.yaml and the gateway from
 * config/gateway.yaml (profiles, schedules), prepared as `npm start --ephemeral` prepares them (every port 0, the
 * gateway's buses pointed at the simulator's endpoints, storage in a temporary folder), without central.
 */
export interface ShippedRun {
  sim: SimulatorHarness;
  gateway: INestApplication;
  gatewayUrl: string;
  close(): Promise<void>;
}

export async function startShippedRun(): Promise<ShippedRun> {
  const configs = new RunConfigs({ configDir: join(ROOT, 'config'), ephemeral: true, keep: false }, ROOT);
  const sim = await startSimulator(readYaml(configs.simulator()), new SystemClock());
  try {
    const loaded = loadGatewayConfig(configs.gateway(sim.ports, undefined));
    const gateway = await NestFactory.create(GatewayModule.forConfig(loaded), { logger: ['error'] });
    await gateway.listen(0, '127.0.0.1');
    const { port } = httpAddressOf(gateway);
    return {
      sim,
      gateway,
      gatewayUrl: `http://127.0.0.1:${port}`,
      close: async () => {
        await gateway.close();
        await sim.close();
        rmSync(configs.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sim.close();
    rmSync(configs.dir, { recursive: true, force: true });
    throw error;
  }
}
