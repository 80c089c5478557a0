import type { AcceptanceReport } from './protocol/commissioning-report.message';
import type { CommandV1 } from './protocol/command.message';
import type { CatalogueV1, DesiredResultV1 } from './protocol/report.message';
import type { HelloV1 } from './protocol/hello.message';
import type { OutboxMessage } from './protocol/report.message';
import type { OutboxQuotas } from './outbox/outbox';

/** Factories shared by the libs/sync specs (kept out of the build). */

export const GATEWAY = 'gw-02691-mairie';
export const AT = '2027-01-15T18:00:00.000Z';

export function telemetry(pointKey: string, value: number | boolean = 1): OutboxMessage {
  return {
    class: 'telemetry',
    payload: { pointKey, value, quality: { status: 'good' }, receivedAt: AT },
  };
}

export function switching(pointKey = 'armoire-1:circuit.1.command', value = true): OutboxMessage {
  return {
    class: 'switching',
    payload: { pointKey, value, slot: 14, source: 'schedule:eclairage', result: 'applied', at: AT },
  };
}

export function alarm(key = 'armoire-1:door.open'): OutboxMessage {
  return { class: 'alarm', payload: { key, state: 'raised', severity: 'warning', message: 'porte ouverte', at: AT } };
}

export function commandResultMessage(commandId = 'cmd-1'): OutboxMessage {
  return { class: 'commandResult', payload: { commandId, status: 'applied', at: AT } };
}

export function health(): OutboxMessage {
  return {
    class: 'health',
    payload: {
      at: AT,
      equipment: { 'armoire-1': { online: true } },
      outbox: { telemetry: 3, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
    },
  };
}

/** A procès-verbal de recette as a gateway makes it: one circuit tested, passed. */
export function acceptanceReport(overrides: Partial<AcceptanceReport> = {}): AcceptanceReport {
  return {
    id: '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b',
    createdAt: AT,
    timeZone: 'Europe/Paris',
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'centre', name: 'Centre', latitude: 49.85, longitude: 3.29 }],
    gateway: { id: 'gw-test', version: '0.1.0', node: 'v20.20.0' },
    buses: [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        target: '127.0.0.1:502',
        equipment: [
          {
            id: 'armoire-1',
            unit: 1,
            site: 'centre',
            profile: 'armoire',
            vendor: null,
            model: null,
            identification: {},
          },
        ],
      },
    ],
    run: {
      id: 'run-1',
      state: 'passed',
      startedBy: 'technicien',
      startedAt: AT,
      endedAt: AT,
      summary: { passed: 1, failed: 0, skipped: 0, pending: 0 },
      steps: [
        {
          equipment: 'armoire-1',
          kind: 'circuit',
          key: 'armoire-1:circuit.1.command',
          name: 'Départ 1',
          state: 'passed',
          latencyMs: { on: 120, off: 110 },
        },
      ],
    },
    schedules: { fingerprint: '0123456789abcdef', next24h: [] },
    central: { reachable: false, clockOffsetMs: null, roundTripMs: null, status: 'connecting' },
    fields: {
      insulationResistanceMOhm: 500,
      earthResistanceOhm: 12,
      rcdTripTimeMs: 25,
      remarks: '',
      engineer: 'Jeanne Technicienne',
    },
    ...overrides,
  };
}

export function commissioningReportMessage(overrides: Partial<AcceptanceReport> = {}): OutboxMessage {
  return { class: 'commissioningReport', payload: acceptanceReport(overrides) };
}

export function quotas(overrides: Partial<OutboxQuotas> = {}): OutboxQuotas {
  return {
    telemetry: 100,
    switching: 100,
    output: 100,
    alarm: 100,
    commandResult: 100,
    health: 100,
    bucket: 100,
    commissioningReport: 100,
    ...overrides,
  };
}

export function hello(overrides: Partial<HelloV1> = {}): HelloV1 {
  return {
    type: 'hello',
    v: 1,
    gatewayId: GATEWAY,
    protocolVersion: 1,
    desiredVersion: 0,
    outbox: { firstSeq: 1, lastSeq: 0 },
    clock: AT,
    ...overrides,
  };
}

export function command(overrides: Partial<CommandV1> = {}): CommandV1 {
  return {
    type: 'command',
    v: 1,
    id: 'cmd-1',
    pointKey: 'armoire-1:circuit.1.command',
    action: 'switch',
    value: true,
    notAfter: '2027-01-15T18:05:00Z',
    issuedAt: '2027-01-15T18:00:00Z',
    ...overrides,
  } as CommandV1;
}

export function catalogue(overrides: Partial<CatalogueV1> = {}): CatalogueV1 {
  return {
    type: 'catalogue',
    v: 1,
    hash: 'a'.repeat(64),
    equipment: [
      {
        id: 'armoire-1',
        name: 'Armoire Hôtel de Ville',
        profile: 'armoire-ep',
        site: 'mairie',
        points: [
          {
            id: 'circuit.1.command',
            name: 'Circuit 1',
            kind: 'command',
            type: 'bool',
            writable: true,
            feedback: 'circuit.1.feedback',
          },
          { id: 'circuit.1.feedback', kind: 'feedback', type: 'bool', writable: false },
          {
            id: 'meter.l1.voltage',
            kind: 'measure',
            type: 'uint16',
            unit: 'V',
            range: { min: 0, max: 6553.5 },
            writable: false,
          },
          { id: 'selector', kind: 'measure', type: 'uint16', states: { '0': 'auto', '1': 'forced' }, writable: false },
        ],
      },
    ],
    schedules: [
      {
        id: 'eclairage',
        kind: 'lighting',
        targets: { outputs: ['armoire-1:circuit.1.command'], slot: 'calendar' },
        document: { programmes: [] },
        source: 'config',
      },
    ],
    ...overrides,
  };
}

export function desiredResult(overrides: Partial<DesiredResultV1> = {}): DesiredResultV1 {
  return {
    type: 'desired.result',
    v: 1,
    version: 7,
    refused: [{ section: 'schedules', key: 'cloches', reason: 'equipment: unknown equipment "cloches-2"' }],
    at: AT,
    ...overrides,
  };
}
