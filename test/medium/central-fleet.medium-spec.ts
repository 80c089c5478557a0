import { ALARM_SEVERITIES, fleet } from '@beffroi/api';
import { readFileSync } from 'node:fs';
import { DataSource, In, IsNull } from 'typeorm';
import { parse } from 'yaml';
import type { Caller } from '../../apps/central/src/auth/caller';
import { AccountEntity, AlarmEntity, GatewayEntity } from '../../apps/central/src/store/entities';
import { SyncPresence } from '../../apps/central/src/sync/sync-presence';
import { TenantService } from '../../apps/central/src/tenants/tenant.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';
import { waitFor } from '../support/wait-for';

/**
 * `GET /api/fleet` is read by one prepared statement (apps/central/src/fleet/fleet.service.ts). This spec holds its
 * answer to the one central gave when it loaded every gateway and open alarm as entities ({@link entityFleet}, that
 * code as it was), on a real central and SQLite file with protocol-level gateways, after each kind of change that
 * moves the fleet: a gateway enrolled, connected (its software, its clock), disconnected, revoked; alarms raised,
 * acknowledged and cleared; a desired state ahead of the applied one, then applied; communes added to the syndicate;
 * for each kind of account (the syndicate's, another syndicate's, a commune's), with the same rows, the same fields
 * and the same order, down to the JSON's bytes.
 */

type Severity = (typeof ALARM_SEVERITIES)[number];
type SeverityCounts = Record<Severity, number>;

/** The fleet as `FleetService.fleet` built it before the prepared statement: the reference of this spec. */
async function entityFleet(central: CentralHarness, caller: Caller) {
  const dataSource = central.app.get(DataSource);
  const presence = central.app.get(SyncPresence);
  const communes = await central.app.get(TenantService).communes(caller);
  const gateways = await dataSource.getRepository(GatewayEntity).find({
    where: { communeInsee: In(communes.map((c) => c.insee)), revokedAt: IsNull() },
    order: { id: 'ASC' },
  });
  const open = await dataSource
    .getRepository(AlarmEntity)
    .findBy({ gatewayId: In(gateways.map((g) => g.id)), clearedAt: IsNull() });
  const alarmsOf = (gatewayIds: readonly string[]): SeverityCounts => {
    const counts = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
    for (const alarm of open) {
      const severity = alarm.severity as Severity;
      if (alarm.gatewayId !== null && gatewayIds.includes(alarm.gatewayId) && ALARM_SEVERITIES.includes(severity))
        counts[severity] += 1;
    }
    return counts;
  };
  return communes.map((commune) => {
    const own = gateways.filter((g) => g.communeInsee === commune.insee);
    return {
      insee: commune.insee,
      name: commune.name,
      department: commune.department,
      gateways: own.map((gateway) => {
        const since = presence.since(gateway.id);
        const lastSeenAt = presence.lastSeen(gateway.id) ?? gateway.lastSeenAt;
        return {
          id: gateway.id,
          online: since !== undefined,
          since: since ?? lastSeenAt,
          lastSeenAt,
          desiredVersion: gateway.desiredVersion,
          appliedVersion: gateway.appliedVersion,
          upToDate: gateway.appliedVersion >= gateway.desiredVersion,
          clockOffsetMs: gateway.clockOffsetMs,
          softwareVersion: gateway.softwareVersion,
          alarms: alarmsOf([gateway.id]),
        };
      }),
      alarms: alarmsOf(own.map((g) => g.id)),
    };
  });
}

const LIGHTING = parse(readFileSync('config/schedules/eclairage-saint-quentin.yaml', 'utf8')) as unknown;
/** Accounts of each kind: the syndicate's admin and field engineer, another syndicate's admin, a commune's two. */
const LOGINS = ['admin@useda', 'tech@useda', 'admin@sde-nord', 'agent@02408', 'lecteur@02691'];

let central: CentralHarness;
let admin: string;
const tokens = new Map<string, string>();
const callers = new Map<string, Caller>();
const gateways = new Map<string, ProtocolGateway>();

beforeAll(async () => {
  // No clock ping nor WebSocket ping during the spec: a frame would move a gateway's last contact between two reads.
  central = await startCentral({ config: { sync: { pingInterval: 3_600_000, offlineAfter: 600_000 } } });
  for (const login of LOGINS) {
    tokens.set(login, await central.login(login));
    const account = await central.app.get(DataSource).getRepository(AccountEntity).findOneByOrFail({ login });
    callers.set(login, {
      accountId: account.id,
      login: account.login,
      role: account.role,
      syndicateId: account.syndicateId,
      communeInsee: account.communeInsee,
    });
  }
  admin = tokens.get('admin@useda') ?? '';
});

afterAll(async () => {
  for (const gateway of gateways.values()) gateway.close();
  await central.close();
});

/**
 * For each kind of account: central's answer, between two readings of the reference that agree (a frame arriving in
 * between would move a last contact; then it reads again), is the reference, field for field and byte for byte.
 * Returns the syndicate admin's answer.
 */
async function expectSameFleet(): Promise<any[]> {
  let answerOfAdmin: any[] = [];
  for (const login of LOGINS) {
    const caller = callers.get(login);
    if (caller === undefined) throw new Error(`no caller ${login}`);
    for (let attempt = 1; ; attempt++) {
      const before = JSON.stringify(await entityFleet(central, caller));
      const answer = await central.api(tokens.get(login), 'GET', '/api/fleet');
      const after = JSON.stringify(await entityFleet(central, caller));
      if (before !== after && attempt < 5) continue;
      expect(answer.status).toBe(200);
      expect(fleet.safeParse(answer.body).success).toBe(true);
      expect(answer.body).toEqual(JSON.parse(after));
      expect(JSON.stringify(answer.body)).toBe(after);
      if (login === 'admin@useda') answerOfAdmin = answer.body as any[];
      break;
    }
  }
  return answerOfAdmin;
}

const gatewayOf = (answer: any[], id: string) =>
  answer.flatMap((commune: any) => commune.gateways).find((gateway: any) => gateway.id === id);

async function enrol(insee: string, gatewayId: string, token = admin): Promise<ProtocolGateway> {
  const { code } = (await central.api(token, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateways.set(gatewayId, gateway);
  return gateway;
}

async function alarm(gatewayId: string, key: string, state: 'raised' | 'cleared', severity: Severity) {
  const gateway = gateways.get(gatewayId);
  if (gateway === undefined) throw new Error(`no gateway ${gatewayId}`);
  gateway.append({
    class: 'alarm',
    payload: { key, state, severity, message: `${key} ${state}`, at: new Date().toISOString() },
  });
  gateway.flush();
  await gateway.drained();
}

describe('GET /api/fleet by one statement, the same answer as the entities gave', () => {
  it('lists the communes without gateways', async () => {
    const answer = await expectSameFleet();
    expect(answer.map((c: any) => [c.insee, c.gateways.length])).toEqual([
      ['02408', 0],
      ['02691', 0],
    ]);
  });

  it('after a gateway is enrolled, then connects naming its software, and another connects naming none', async () => {
    const centre = await enrol('02691', 'gw-centre');
    expect(gatewayOf(await expectSameFleet(), 'gw-centre')).toMatchObject({ online: false, lastSeenAt: null });
    centre.software = 'beffroi-gateway 0.1.0';
    await centre.connect();
    const nord = await enrol('59350', 'gw-nord', tokens.get('admin@sde-nord'));
    await nord.connect();
    await (await enrol('02691', 'gw-basilique')).connect();
    await (await enrol('02408', 'gw-laon')).connect();
    const answer = await expectSameFleet();
    expect(gatewayOf(answer, 'gw-centre')).toMatchObject({ online: true, softwareVersion: 'beffroi-gateway 0.1.0' });
    expect(gatewayOf(answer, 'gw-basilique')).toMatchObject({ online: true, softwareVersion: null });
    expect(gatewayOf(answer, 'gw-nord')).toBeUndefined();
  });

  it('after alarms are raised on two communes, one of them acknowledged', async () => {
    await alarm('gw-centre', 'cabinet:door.open', 'raised', 'warning');
    await alarm('gw-centre', 'cabinet:breaker.1', 'raised', 'critical');
    await alarm('gw-basilique', 'bells:motor', 'raised', 'critical');
    await alarm('gw-laon', 'cabinet:clock', 'raised', 'info');
    await alarm('gw-nord', 'cabinet:door.open', 'raised', 'warning');
    const listed = await central.api(admin, 'GET', '/api/alarms');
    const door = (listed.body as { id: number; gatewayId: string; key: string }[]).find(
      (a) => a.gatewayId === 'gw-centre' && a.key === 'cabinet:door.open',
    );
    expect((await central.api(admin, 'POST', `/api/alarms/${door?.id}/acknowledge`)).status).toBe(200);
    const answer = await expectSameFleet();
    expect(answer.find((c: any) => c.insee === '02691').alarms).toEqual({ info: 0, warning: 1, critical: 2 });
  });

  it('after an alarm is cleared', async () => {
    await alarm('gw-centre', 'cabinet:breaker.1', 'cleared', 'critical');
    expect(gatewayOf(await expectSameFleet(), 'gw-centre').alarms).toEqual({ info: 0, warning: 1, critical: 0 });
  });

  it('after a gateway disconnects (central raises its offline alarm)', async () => {
    gateways.get('gw-laon')?.close();
    await waitFor(
      'gw-laon offline on central',
      async () => (await central.api(admin, 'GET', '/api/gateways/gw-laon')).body as { online: boolean },
      (g) => !g.online,
    );
    await waitFor(
      'the offline alarm of gw-laon',
      async () => (await central.api(admin, 'GET', '/api/alarms')).body as { gatewayId: string; key: string }[],
      (alarms) => alarms.some((a) => a.gatewayId === 'gw-laon' && a.key === 'gateway.offline'),
    );
    const laon = gatewayOf(await expectSameFleet(), 'gw-laon');
    expect(laon.online).toBe(false);
    expect(laon.since).toBe(laon.lastSeenAt);
  });

  it('after a desired state the gateway has not applied yet, then after it applies it', async () => {
    const schedule = (id: string) =>
      central.api(admin, 'PUT', `/api/gateways/${id}/schedules/eclairage-2`, {
        kind: 'lighting',
        outputs: ['cabinet:circuit.2.command'],
        schedule: LIGHTING,
      });
    expect((await schedule('gw-laon')).status).toBe(200);
    expect(gatewayOf(await expectSameFleet(), 'gw-laon').upToDate).toBe(false);
    expect((await schedule('gw-basilique')).status).toBe(200);
    await waitFor(
      'gw-basilique up to date on central',
      async () => gatewayOf((await central.api(admin, 'GET', '/api/fleet')).body as any[], 'gw-basilique'),
      (g) => g.upToDate === true && g.appliedVersion > 0,
    );
    await expectSameFleet();
  });

  it('after a gateway is revoked, and communes are added to the syndicate', async () => {
    expect((await central.api(admin, 'POST', '/api/gateways/gw-basilique/revoke')).status).toBe(200);
    expect(gatewayOf(await expectSameFleet(), 'gw-basilique')).toBeUndefined();
    const added = await central.api(admin, 'POST', '/api/communes', { insee: ['02001', '02722'] });
    expect(added.status).toBe(201);
    const answer = await expectSameFleet();
    expect(answer.map((c: any) => c.insee)).toEqual(['02001', '02408', '02691', '02722']);
  });
});
