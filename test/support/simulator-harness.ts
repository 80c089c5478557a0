import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { httpAddressOf } from '@beffroi/runtime';
import { Clock, SystemClock } from '@beffroi/runtime';
import { SimulatorExceptionFilter } from '../../apps/simulator/src/control/simulator-exception.filter';
import { SimulatorService } from '../../apps/simulator/src/control/simulator.service';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';
import { SimulatorModule } from '../../apps/simulator/src/simulator.module';

/** A running simulator (devices + control API) on ephemeral ports. */
export interface SimulatorHarness {
  app: INestApplication;
  service: SimulatorService;
  controlUrl: string;
  ports: Record<string, number>;
  close(): Promise<void>;
}

/** Starts the simulator from a config object (validated as a file would be), control API on port 0. */
export async function startSimulator(config: unknown, clock: Clock): Promise<SimulatorHarness> {
  const parsed = simulatorConfigSchema.parse(config);
  const app = await NestFactory.create(SimulatorModule.forConfig(parsed, clock), { logger: ['error'] });
  app.useGlobalFilters(new SimulatorExceptionFilter());
  const service = app.get(SimulatorService);
  await service.start();
  await app.listen(0, '127.0.0.1');
  const { port } = httpAddressOf(app);
  return { app, service, controlUrl: `http://127.0.0.1:${port}`, ports: service.ports(), close: () => app.close() };
}

/** Calls the control API and returns status and JSON body. */
export async function control(
  harness: SimulatorHarness,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${harness.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** A lighting cabinet on Modbus TCP (`street`, unit 1) and a bell controller over RTU-over-TCP (`belfry`, unit 2). */
export function startCabinetAndBells(timing: {
  feedbackDelay: string;
  strikePulse: string;
}): Promise<SimulatorHarness> {
  return startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, feedbackDelay: timing.feedbackDelay }],
        },
        {
          id: 'belfry',
          transport: { type: 'rtu-over-tcp', port: 0 },
          devices: [{ id: 'bells', kind: 'bell-controller', unit: 2, strikePulse: timing.strikePulse }],
        },
      ],
    },
    new SystemClock(),
  );
}

/**
 * The gateway's buses for {@link startCabinetAndBells}: the cabinet (`cabinet`, unit 1) and the bell controller
 * (`bells`, unit 2), each bus with these link settings (timeouts, reconnect delays) and its equipment with `equipment`
 * (a site...).
 */
export function cabinetAndBellsBuses(
  sim: SimulatorHarness,
  link: Record<string, string>,
  equipment: Record<string, string> = {},
): unknown[] {
  return [
    {
      ...link,
      id: 'street',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: sim.ports.street,
      equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1, ...equipment }],
    },
    {
      ...link,
      id: 'belfry',
      protocol: 'modbus-rtu-over-tcp',
      host: '127.0.0.1',
      port: sim.ports.belfry,
      equipment: [{ id: 'bells', profile: 'beffroi-sim-bells', unit: 2, ...equipment }],
    },
  ];
}
