import type { Account, FleetCommune, FleetGateway, PushProgress } from '@beffroi/api';
import { pageOf, pathOf } from './router';
import {
  applyPushEvent,
  fleetCounts,
  fleetShowable,
  fleetView,
  inseeList,
  isSyndicateAccount,
  mayRetry,
} from './syndicate-view';

const NO_ALARM = { info: 0, warning: 0, critical: 0 };

function gateway(id: string, overrides: Partial<FleetGateway> = {}): FleetGateway {
  return {
    id,
    online: true,
    since: '2027-01-15T08:00:00.000Z',
    lastSeenAt: '2027-01-15T18:00:00.000Z',
    desiredVersion: 3,
    appliedVersion: 3,
    upToDate: true,
    clockOffsetMs: 12,
    softwareVersion: 'beffroi-gateway 0.1.0',
    alarms: NO_ALARM,
    ...overrides,
  };
}

const FLEET: FleetCommune[] = [
  { insee: '02691', name: 'Saint-Quentin', department: '02', gateways: [gateway('gw-sq')], alarms: NO_ALARM },
  {
    insee: '02408',
    name: 'Laon',
    department: '02',
    gateways: [gateway('gw-laon', { online: false, lastSeenAt: '2027-01-15T09:00:00.000Z', upToDate: false })],
    alarms: { info: 0, warning: 1, critical: 0 },
  },
  { insee: '02282', name: "L'Épine-aux-Bois", department: '02', gateways: [], alarms: NO_ALARM },
  {
    insee: '02722',
    name: 'Soissons',
    department: '02',
    gateways: [gateway('gw-soissons')],
    alarms: { info: 0, warning: 0, critical: 1 },
  },
];

const query = { search: '', filter: 'all', sort: 'name' } as const;
const names = (communes: FleetCommune[]) => communes.map((c) => c.name);

describe('the fleet page', () => {
  it('sorts by name the French way, by INSEE code, by alarms (critical first) or by the oldest contact', () => {
    expect(names(fleetView(FLEET, query))).toEqual(["L'Épine-aux-Bois", 'Laon', 'Saint-Quentin', 'Soissons']);
    expect(names(fleetView(FLEET, { ...query, sort: 'insee' }))).toEqual([
      "L'Épine-aux-Bois",
      'Laon',
      'Saint-Quentin',
      'Soissons',
    ]);
    expect(names(fleetView(FLEET, { ...query, sort: 'alarms' })).slice(0, 2)).toEqual(['Soissons', 'Laon']);
    expect(names(fleetView(FLEET, { ...query, sort: 'lastSeen' }))[0]).toBe('Laon');
  });

  it('searches names without case or accents, INSEE codes and gateway ids', () => {
    expect(names(fleetView(FLEET, { ...query, search: 'epine' }))).toEqual(["L'Épine-aux-Bois"]);
    expect(names(fleetView(FLEET, { ...query, search: '02722' }))).toEqual(['Soissons']);
    expect(names(fleetView(FLEET, { ...query, search: 'gw-laon' }))).toEqual(['Laon']);
  });

  it('filters the offline, those in alarm, those out of date', () => {
    expect(names(fleetView(FLEET, { ...query, filter: 'offline' }))).toEqual(['Laon']);
    expect(names(fleetView(FLEET, { ...query, filter: 'alarm' }))).toEqual(['Laon', 'Soissons']);
    expect(names(fleetView(FLEET, { ...query, filter: 'outdated' }))).toEqual(['Laon']);
    expect(fleetCounts(FLEET)).toEqual({ communes: 4, gateways: 3, offline: 1, alarm: 2, outdated: 1 });
  });
});

describe("the fleet's answer before the contract has checked it", () => {
  it('is shown when the Parc can draw it', () => {
    expect(fleetShowable(FLEET)).toBe(true);
    expect(fleetShowable([])).toBe(true);
  });

  it('is not shown when a commune lacks what the Parc reads, whatever the commune', () => {
    const broken: unknown[][] = [
      [...FLEET, { ...FLEET[0], gateways: undefined }],
      [...FLEET, { ...FLEET[0], name: 42 }],
      [...FLEET, { ...FLEET[0], insee: null }],
      [...FLEET, { ...FLEET[0], alarms: null }],
      [...FLEET, { ...FLEET[0], gateways: [{ online: true }] }],
      [...FLEET, null],
    ];
    expect(broken.map((answer) => fleetShowable(answer))).toEqual(broken.map(() => false));
    expect(fleetShowable({ communes: FLEET })).toBe(false);
  });
});

describe('a push followed live', () => {
  const progress: PushProgress = {
    id: 'p1',
    scheduleId: 'voirie',
    templateId: 'voirie',
    templateVersion: 1,
    createdBy: 'admin@useda',
    createdAt: '2027-01-15T18:00:00.000Z',
    summary: { applied: 0, refused: 0, pending: 1, offline: 1, 'no-gateway': 0, 'no-output': 0 },
    targets: [
      { commune: '02691', gatewayId: 'gw-sq', version: 4, status: 'pending' },
      { commune: '02408', gatewayId: 'gw-laon', version: 2, status: 'offline' },
    ],
  };

  it("takes each event's state for its gateway and counts again; another push's event changes nothing", () => {
    const next = applyPushEvent(progress, {
      pushId: 'p1',
      commune: '02408',
      gatewayId: 'gw-laon',
      version: 2,
      status: 'applied',
      bound: ['cabinet:circuit.1.command'],
    });
    expect(next.targets[1]).toMatchObject({ status: 'applied', bound: ['cabinet:circuit.1.command'] });
    expect(next.summary).toMatchObject({ applied: 1, pending: 1, offline: 0 });
    expect(mayRetry(progress)).toBe(true);
    expect(mayRetry(applyPushEvent(next, { ...next.targets[0]!, pushId: 'p1', status: 'applied' }))).toBe(false);
    expect(applyPushEvent(progress, { ...next.targets[1]!, pushId: 'p2' })).toBe(progress);
  });

  it('reads a hand-typed list of communes', () => {
    expect(inseeList(' 02691, 02408\n2a004;02722 ')).toEqual(['02691', '02408', '2A004', '02722']);
  });
});

describe("the syndicate's pages", () => {
  it('live under /syndicat/ and are for syndicate accounts only', () => {
    for (const page of [
      { name: 'fleet' },
      { name: 'templates' },
      { name: 'pushes' },
      { name: 'push', id: 'a b' },
    ] as const) {
      expect(pageOf(pathOf(page))).toEqual(page);
    }
    expect(pathOf({ name: 'fleet' })).toBe('/syndicat/parc');
    expect(pageOf('/syndicat/ailleurs')).toEqual({ name: 'not-found' });
    const account: Account = {
      accountId: 1,
      login: 'a',
      role: 'syndicate-admin',
      syndicateId: 'useda',
      communeInsee: null,
    };
    expect(isSyndicateAccount(account)).toBe(true);
    expect(isSyndicateAccount({ ...account, role: 'commune-staff', communeInsee: '02691' })).toBe(false);
  });
});
