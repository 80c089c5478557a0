import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { buildCatalogue } from '../../apps/gateway/src/sync/catalogue.reporter';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';
import { waitFor } from '../support/wait-for';

/**
 * Syndicate templates by tag (issue 12, items 1 to 3) on a real central and SQLite file, with protocol-level gateways:
 * a template names a tag, binds on each gateway to the outputs carrying it, and its push shows per commune and gateway
 * what it bound, `no-output` where nothing carries the tag, `offline` until a gateway comes back, live as `push`
 * events; a retry binds again; the fleet shows every commune and gateway of the syndicate.
 */

const LIGHTING = parse(
  readFileSync(join(__dirname, '..', '..', 'config', 'schedules', 'eclairage-saint-quentin.yaml'), 'utf8'),
) as unknown;
const PROFILES = loadProfiles(resolve(__dirname, '..', '..', 'config', 'profiles'));
const TAG = 'eclairage-voirie';

/** The simulator's cabinet with these tags on its points (by point id), as a gateway's config gives them. */
function cabinetTagged(tags: Record<string, string[]>) {
  return buildCatalogue([{ id: 'cabinet', name: 'Armoire', profile: 'beffroi-sim-cabinet', tags }], PROFILES, []);
}

let central: CentralHarness;
let admin: string;
const gateways: ProtocolGateway[] = [];

async function enrol(insee: string, gatewayId: string, tags: Record<string, string[]>): Promise<ProtocolGateway> {
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
    credential: string;
  };
  const gateway = new ProtocolGateway(gatewayId, credential, central.wsUrl);
  gateway.catalogue = cabinetTagged(tags);
  gateways.push(gateway);
  return gateway;
}

interface Target {
  commune: string;
  gatewayId: string | null;
  status: string;
  reason?: string;
  bound?: string[];
}
interface Progress {
  id: string;
  summary: Record<string, number>;
  targets: Target[];
}

const progress = async (id: string) => (await central.api(admin, 'GET', `/api/pushes/${id}`)).body as Progress;
const targetOf = (p: Progress, gatewayId: string) => p.targets.find((t) => t.gatewayId === gatewayId);

/** The `push` events of an event stream, as they arrive. */
function pushEvents(token: string): { events: Target[]; stop: () => void } {
  const events: Target[] = [];
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(`${central.url}/api/events?access_token=${token}`, { signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const lines = block.split('\n');
        if (!lines.includes('event: push')) continue;
        const data = lines.find((l) => l.startsWith('data: '));
        if (data !== undefined) events.push(JSON.parse(data.slice(6)) as Target);
      }
    }
  })().catch(() => undefined);
  return { events, stop: () => controller.abort() };
}

beforeAll(async () => {
  central = await startCentral();
  admin = await central.login('admin@useda');
  expect((await central.api(admin, 'POST', '/api/communes', { insee: ['02722'] })).status).toBe(201);
});

afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  await central.close();
});

describe('templates by tag', () => {
  it('are created and versioned by a syndicate admin, with their author and history', async () => {
    const created = await central.api(admin, 'POST', '/api/templates', {
      id: 'eclairage-syndical',
      name: 'Éclairage de voirie du syndicat',
      item: { kind: 'lighting', tag: TAG, schedule: LIGHTING },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'eclairage-syndical',
      version: 1,
      kind: 'lighting',
      tag: TAG,
      item: { kind: 'lighting', tag: TAG, slot: 'baseline' },
      createdBy: 'admin@useda',
    });
    const again = await central.api(admin, 'POST', '/api/templates', {
      id: 'eclairage-syndical',
      name: 'x',
      item: { kind: 'lighting', tag: TAG, schedule: LIGHTING },
    });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'CONFLICT' });

    const next = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/versions', {
      item: { kind: 'lighting', tag: TAG, schedule: LIGHTING },
      comment: 'extinction à 23 h',
    });
    expect(next.status).toBe(201);
    expect(next.body.version).toBe(2);
    expect(next.body.history.map((h: { version: number; comment: string | null }) => [h.version, h.comment])).toEqual([
      [2, 'extinction à 23 h'],
      [1, null],
    ]);
    const list = await central.api(admin, 'GET', '/api/templates');
    expect(list.body).toEqual([expect.objectContaining({ id: 'eclairage-syndical', version: 2, tag: TAG })]);
  });

  it('refuses a bad tag or schedule document naming the field', async () => {
    const badTag = await central.api(admin, 'POST', '/api/templates', {
      id: 'x',
      name: 'x',
      item: { kind: 'lighting', tag: 'Éclairage voirie', schedule: LIGHTING },
    });
    expect(badTag.status).toBe(400);
    expect(badTag.body.message).toMatch(/^invalid template: item\.tag: expected a tag: lowercase letters/);
    const badDocument = await central.api(admin, 'POST', '/api/templates', {
      id: 'x',
      name: 'x',
      item: { kind: 'lighting', tag: TAG, schedule: { nothing: true } },
    });
    expect(badDocument.status).toBe(400);
    expect(badDocument.body.problems[0].path).toMatch(/^item\.schedule/);
  });

  it('belong to the syndicate: a commune account is refused, another syndicate does not see them', async () => {
    const agent = await central.login('agent@02691');
    for (const [method, path] of [
      ['GET', '/api/templates'],
      ['GET', '/api/templates/eclairage-syndical/versions'],
      ['POST', '/api/templates/eclairage-syndical/push'],
    ] as const) {
      const answer = await central.api(
        agent,
        method,
        path,
        method === 'POST' ? { communes: { all: true } } : undefined,
      );
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }
    const other = await central.api(
      await central.login('admin@sde-nord'),
      'GET',
      '/api/templates/eclairage-syndical/versions',
    );
    expect(other.status).toBe(404);
    const outside = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
      communes: { insee: ['59350'] },
    });
    // Another syndicate's commune answers exactly like one that does not exist (no existence oracle).
    const unknown = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
      communes: { insee: ['80021'] },
    });
    expect({ status: outside.status, body: outside.body }).toEqual({
      status: 404,
      body: { ...unknown.body, message: String(unknown.body.message).replace('80021', '59350') },
    });
  });
});

describe('a template push', () => {
  it('binds by tag on each gateway and follows each one live until the offline one comes back', async () => {
    const online = await enrol('02691', 'gw-centre', {
      'circuit.1.command': [TAG],
      'circuit.2.command': [TAG, 'eclairage-patrimoine'],
    });
    const later = await enrol('02408', 'gw-laon', { 'circuit.3.command': [TAG] });
    const untagged = await enrol('02722', 'gw-soissons', { 'circuit.1.command': ['eclairage-stade'] });
    await online.connect();
    await untagged.connect();
    await later.connect();
    later.close();
    await waitFor(
      'GET /api/gateways/gw-laon: !g.online',
      async () => (await central.api(admin, 'GET', '/api/gateways/gw-laon')).body,
      (g: { online: boolean }) => !g.online,
    );

    const stream = pushEvents(admin);
    const pushed = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
      communes: { insee: ['02691', '02408', '02722'] },
    });
    expect(pushed.status).toBe(202);
    const body = pushed.body as Progress;
    expect(body).toMatchObject({ templateId: 'eclairage-syndical', templateVersion: 2 });
    expect(targetOf(body, 'gw-laon')).toEqual({
      commune: '02408',
      gatewayId: 'gw-laon',
      version: 1,
      status: 'offline',
      bound: ['cabinet:circuit.3.command'],
    });
    expect(targetOf(body, 'gw-soissons')).toEqual({
      commune: '02722',
      gatewayId: 'gw-soissons',
      version: null,
      status: 'no-output',
      reason: 'no output with the tag "eclairage-voirie" on this gateway',
    });

    const applied = await waitFor(
      'progress(body.id): targetOf(p, "gw-centre")?.status === "applied"',
      () => progress(body.id),
      (p) => targetOf(p, 'gw-centre')?.status === 'applied',
    );
    expect(targetOf(applied, 'gw-centre')?.bound).toEqual(['cabinet:circuit.1.command', 'cabinet:circuit.2.command']);
    expect(online.desired.desired.schedules['eclairage-syndical']).toEqual({
      kind: 'lighting',
      slot: 'baseline',
      outputs: ['cabinet:circuit.1.command', 'cabinet:circuit.2.command'],
      schedule: LIGHTING,
    });

    await later.connect();
    const back = await waitFor(
      'progress(body.id): targetOf(p, "gw-laon")?.status === "applied"',
      () => progress(body.id),
      (p) => targetOf(p, 'gw-laon')?.status === 'applied',
    );
    expect(back.summary).toMatchObject({ applied: 2, 'no-output': 1, offline: 0, pending: 0 });
    await waitFor(
      'Promise.resolve(stream.events): events.some((e) => e.gatewayId === "gw-laon" && e.status === "applied")',
      () => Promise.resolve(stream.events),
      (events) => events.some((e) => e.gatewayId === 'gw-laon' && e.status === 'applied'),
    );
    stream.stop();
    expect(stream.events.filter((e) => e.gatewayId === 'gw-laon').map((e) => e.status)).toEqual(
      expect.arrayContaining(['offline', 'applied']),
    );
    expect(stream.events.every((e) => (e as Target & { pushId: string }).pushId === body.id)).toBe(true);

    const pushes = (await central.api(admin, 'GET', '/api/pushes')).body as { id: string; summary: object }[];
    expect(pushes[0]).toMatchObject({ id: body.id, templateId: 'eclairage-syndical', summary: { applied: 2 } });
  });

  it('is retried on the gateways that bound nothing, against what they report now', async () => {
    const pushed = (await central.api(admin, 'GET', '/api/pushes')).body as { id: string }[];
    const id = pushed[0]!.id;
    const soissons = gateways.find((g) => g.gatewayId === 'gw-soissons')!;
    soissons.close();
    soissons.catalogue = cabinetTagged({ 'circuit.4.command': [TAG] });
    await soissons.connect();
    const retried = await central.api(admin, 'POST', `/api/pushes/${id}/retry`);
    expect(retried.status).toBe(202);
    const body = retried.body as Progress;
    expect(targetOf(body, 'gw-soissons')).toMatchObject({ bound: ['cabinet:circuit.4.command'] });
    const done = await waitFor(
      'progress(id): p.summary.applied === 3',
      () => progress(id),
      (p) => p.summary.applied === 3,
    );
    expect(done.summary).toMatchObject({ applied: 3, 'no-output': 0 });
  });

  it('selects communes by department, by tag, or all of the syndicate', async () => {
    const communesOf = async (communes: unknown) => {
      const { status, body } = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
        communes,
      });
      expect(status).toBe(202);
      return [...new Set((body as Progress).targets.map((t) => t.commune))];
    };
    expect(await communesOf({ all: true })).toEqual(['02408', '02691', '02722']);
    expect(await communesOf({ department: '59' })).toEqual([]);
    expect(await communesOf({ tag: 'eclairage-patrimoine' })).toEqual(['02691']);
    const bad = await central.api(admin, 'POST', '/api/templates/eclairage-syndical/push', {
      communes: { region: 'hdf' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^invalid push: communes: expected \{"all": true\}/);
  });
});

describe('the fleet', () => {
  it('lists every commune and gateway of the syndicate with presence, versions and open alarms', async () => {
    const laon = gateways.find((g) => g.gatewayId === 'gw-laon')!;
    laon.close();
    const fleet = (await waitFor(
      'GET /api/fleet: communes.find((c) => c.insee === "02408")?.alarms.warning === 1',
      async () => (await central.api(admin, 'GET', '/api/fleet')).body,
      (communes: { insee: string; alarms: { warning: number } }[]) =>
        communes.find((c) => c.insee === '02408')?.alarms.warning === 1,
    )) as any[];
    expect(fleet.map((c) => c.insee)).toEqual(['02408', '02691', '02722']);
    const laonView = fleet.find((c) => c.insee === '02408');
    expect(laonView).toMatchObject({
      name: 'Laon',
      department: '02',
      alarms: { info: 0, warning: 1, critical: 0 },
      gateways: [{ id: 'gw-laon', online: false, alarms: { warning: 1 } }],
    });
    expect(laonView.gateways[0].since).toBe(laonView.gateways[0].lastSeenAt);
    const centre = fleet.find((c) => c.insee === '02691').gateways[0];
    expect(centre).toMatchObject({ id: 'gw-centre', online: true, upToDate: true, since: expect.any(String) });
    // A protocol-level gateway's hello says no software.
    expect(centre.softwareVersion).toBeNull();
    expect(centre.appliedVersion).toBe(centre.desiredVersion);
    const agentView = (await central.api(await central.login('agent@02691'), 'GET', '/api/fleet')).body;
    expect(agentView.map((c: { insee: string }) => c.insee)).toEqual(['02691']);
  });
});
