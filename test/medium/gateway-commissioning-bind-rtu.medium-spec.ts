import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpAddressOf } from '@beffroi/runtime';
import type { ModbusDriver } from '@beffroi/fieldbus';
import { SystemClock } from '@beffroi/runtime';
import { LocalApiTransport } from '../../apps/gateway/src/access/local-tls';
import { FieldService } from '../../apps/gateway/src/field/field.service';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { api, LOCAL_CREDENTIAL_ENV, PROFILES_DIR } from '../support/gateway-harness';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { type SimulatorHarness, startSimulator } from '../support/simulator-harness';
import { waitFor } from '../support/wait-for';

interface EquipmentView {
  busId: string;
  online: boolean;
  points: { quality: { status: string } }[];
}

let pty: PtyPair;
let sim: SimulatorHarness;
let dir: string;
let configPath: string;
let app: INestApplication;
let url: string;

async function startFromFile(): Promise<void> {
  app = await NestFactory.create(GatewayModule.forConfig(loadGatewayConfig(configPath), new LocalApiTransport()), {
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${httpAddressOf(app).port}`;
}

beforeAll(async () => {
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1 }],
        },
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'bells', kind: 'bell-controller', unit: 5 },
            { id: 'chimes', kind: 'bell-controller', unit: 6 },
          ],
        },
      ],
    },
    new SystemClock(),
  );
  dir = mkdtempSync(join(tmpdir(), 'beffroi-gw-bind-rtu-'));
  configPath = join(dir, 'gateway.yaml');
  writeFileSync(
    configPath,
    `gateway: { id: gw-test }
commune: { insee: '02691', name: Saint-Quentin }
sites: [{ id: site, name: Site, latitude: 49.8467, longitude: 3.2874, timeZone: Europe/Paris }]
http: { port: 0 }
storage: { path: ${join(dir, 'gateway.sqlite')} }
localAccess: { passwordEnv: ${LOCAL_CREDENTIAL_ENV} }
profilesDir: ${PROFILES_DIR}
buses:
  - { id: street, protocol: modbus-tcp, host: 127.0.0.1, port: ${sim.ports.street ?? 0}, equipment: [{ id: cabinet, profile: beffroi-sim-cabinet, unit: 1 }] }
`,
  );
  await startFromFile();
}, 60_000);

afterAll(async () => {
  await app.close();
  await sim.close();
  await pty.close();
  rmSync(dir, { recursive: true, force: true });
});

async function equipment(id: string): Promise<EquipmentView> {
  const answer = await api(url, 'GET', `/equipment/${id}`);
  expect(answer.status).toBe(200);
  return answer.body as EquipmentView;
}

const polledGood = (view: EquipmentView) =>
  view.online && view.points.length > 0 && view.points.every((point) => point.quality.status === 'good');

describe('binding bells on a serial line (RTU over a pty pair)', () => {
  it('binds a device on a new RTU bus, then a second unit through the running line; the TCP bus never stops', async () => {
    const street = app.get(FieldService).drivers.get('street') as ModbusDriver;
    const opens = street.opens;
    const bus = { id: 'belfry', protocol: 'modbus-rtu', path: pty.master, baudRate: 19200, parity: 'none' };
    const check = await api(url, 'POST', '/commissioning/checks', { bus, unit: 5, profile: 'beffroi-sim-bells' });
    expect(check).toMatchObject({ status: 200, body: { busState: 'new', ok: true } });

    const first = await api(url, 'POST', '/commissioning/equipment', {
      id: 'cloches',
      bus,
      unit: 5,
      profile: 'beffroi-sim-bells',
    });
    expect(first).toMatchObject({ status: 201, body: { bus: 'belfry', newBus: true, forced: false } });
    expect((await waitFor('cloches polled', () => equipment('cloches'), polledGood)).busId).toBe('belfry');

    const line = app.get(FieldService).drivers.get('belfry') as ModbusDriver;
    const lineOpens = line.opens;
    const second = await api(url, 'POST', '/commissioning/equipment', {
      id: 'carillon',
      bus: 'belfry',
      unit: 6,
      profile: 'beffroi-sim-bells',
    });
    expect(second).toMatchObject({ status: 201, body: { bus: 'belfry', newBus: false, check: { ok: true } } });
    await waitFor('carillon polled', () => equipment('carillon'), polledGood);
    expect(line.opens).toBe(lineOpens);
    expect(street.opens).toBe(opens);
    expect(readdirSync(join(dir, 'config-history'))).toHaveLength(3);

    const written = loadGatewayConfig(configPath).config.buses;
    expect(written.map((b) => [b.id, b.equipment.map((e) => e.id)])).toEqual([
      ['street', ['cabinet']],
      ['belfry', ['cloches', 'carillon']],
    ]);
    expect(written[1]).toMatchObject({ protocol: 'modbus-rtu', path: pty.master, parity: 'none' });
  });
});
