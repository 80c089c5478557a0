import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { problemsFromIssues } from '@beffroi/domain';
import {
  parseLocalDate,
  parseSchedule,
  planTransitions,
  resolveLocalTime,
  scheduleSchema,
  sunDay,
} from '@beffroi/schedule';
import { parse } from 'yaml';
import { type CentralHarness, SEED, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

const MINUTE = 60_000;

function yamlFile(path: string): any {
  return parse(readFileSync(path, 'utf8'));
}

/** Saint-Quentin's lighting schedule, as docs/schedules.md shows it, and the site of its cabinet in config/gateway.yaml. */
const LIGHTING = yamlFile('config/schedules/eclairage-saint-quentin.yaml');
const GATEWAY = yamlFile('config/gateway.yaml');
const siteOf = (id: string): { latitude: number; longitude: number; altitude: number; timeZone: string } => {
  const { latitude, longitude, altitude, timeZone } = GATEWAY.sites.find((site: any) => site.id === id);
  return { latitude, longitude, altitude, timeZone };
};
const CABINET_SITE = siteOf(
  GATEWAY.buses.flatMap((bus: any) => bus.equipment).find((e: any) => e.id === 'cabinet-hotel-de-ville').site as string,
);

/**
 * Jest hands each spec a copy of `process.env`: the host process, reached through the outer V8 context, is where
 * assigning `TZ` switches the time zone of every `Date` (central runs in this process).
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;

async function withHostTimeZone<T>(timeZone: string, run: () => Promise<T>): Promise<T> {
  const saved = hostProcess.env.TZ;
  hostProcess.env.TZ = timeZone;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete hostProcess.env.TZ;
    else hostProcess.env.TZ = saved;
  }
}

let central: CentralHarness;
let token: string;

beforeAll(async () => {
  central = await startCentral();
  token = await central.login('lecteur@02691');
});

afterAll(async () => {
  await central.close();
});

/** As the read-only account of Saint-Quentin, or `null`: without a session. */
const preview = (body: unknown, as: string | null = token) =>
  central.api(as ?? undefined, 'POST', '/api/schedules/preview', body);
const lint = (body: unknown, as: string | null = token) =>
  central.api(as ?? undefined, 'POST', '/api/schedules/lint', body);

/** The night of Monday 4 January 2027 at the cabinet. */
const JANUARY_NIGHT = {
  kind: 'lighting',
  schedule: LIGHTING,
  site: CABINET_SITE,
  from: '2027-01-04',
  to: '2027-01-05',
};

/** A 400 `INVALID_REQUEST` whose problems name `path`. */
function expectRefused(answer: { status: number; body: any }, path: string): void {
  expect({ path, status: answer.status, code: answer.body.code }).toEqual({
    path,
    status: 400,
    code: 'INVALID_REQUEST',
  });
  expect(answer.body.problems.map((p: any) => p.path)).toContain(path);
}

describe('POST /api/schedules/preview', () => {
  it("plans Saint-Quentin's lighting: on at sunset + 15 min, off at 23:00 Paris time, with the cause", async () => {
    const { status, body } = await preview(JANUARY_NIGHT);
    expect(status).toBe(200);
    const sunset = sunDay(CABINET_SITE, parseLocalDate('2027-01-04'), 'usno').sunset!;
    expect(body.transitions.slice(0, 2)).toEqual([
      {
        at: new Date(sunset.getTime() + 15 * MINUTE).toISOString(),
        local: expect.stringMatching(/^2027-01-04T1[67]:\d\d:\d\d\+01:00$/),
        value: true,
        night: '2027-01-04',
        cause: { programmeId: 'nuit', pointIndex: 0, point: 'sunset+15min', rule: null },
      },
      {
        at: '2027-01-04T22:00:00.000Z',
        local: '2027-01-04T23:00:00+01:00',
        value: false,
        night: '2027-01-04',
        cause: { programmeId: 'nuit', pointIndex: 1, point: '23:00', rule: null },
      },
    ]);
    expect(body.transitions.map((t: any) => t.cause.point)).toEqual(['sunset+15min', '23:00', '05:30', 'sunrise']);
    expect(body).toMatchObject({ kind: 'lighting', timeZone: 'Europe/Paris', from: '2027-01-04T12:00:00+01:00' });
  });

  it('says which calendar rule chose the night: 14 July stays lit all night', async () => {
    const { status, body } = await preview({
      kind: 'lighting',
      schedule: LIGHTING,
      site: CABINET_SITE,
      from: '2027-07-14T12:00:00+02:00',
      to: '2027-07-15T12:00:00+02:00',
    });
    expect(status).toBe(200);
    expect(body.transitions.map((t: any) => [t.value, t.cause.point, t.cause.rule])).toEqual([
      [true, 'sunset+15min', { index: 0, kind: 'publicHoliday' }],
      [false, 'sunrise', { index: 0, kind: 'publicHoliday' }],
    ]);
  });

  it("answers the same whatever the server's time zone, and what libs/schedule plans", async () => {
    // The week of the spring-forward change (Sunday 28 March 2027).
    const request = { kind: 'lighting', schedule: LIGHTING, site: CABINET_SITE, from: '2027-03-25', to: '2027-04-01' };
    const inUtc = await withHostTimeZone('UTC', async () => {
      expect(new Date(2027, 0, 1).getTimezoneOffset()).toBe(0);
      return preview(request);
    });
    const inAuckland = await withHostTimeZone('Pacific/Auckland', async () => {
      expect(new Date(2027, 0, 1).getTimezoneOffset()).toBe(-780);
      return preview(request);
    });
    expect(inUtc.status).toBe(200);
    expect(inAuckland.body).toEqual(inUtc.body);

    const from = resolveLocalTime(parseLocalDate('2027-03-25'), 12, 0, 0, 'Europe/Paris').instant;
    const to = resolveLocalTime(parseLocalDate('2027-04-01'), 12, 0, 0, 'Europe/Paris').instant;
    const planned = planTransitions(parseSchedule(LIGHTING, 'eclairage'), CABINET_SITE, from, to).transitions;
    expect(inUtc.body.transitions.map((t: any) => [t.at, t.value])).toEqual(
      planned.map((t) => [t.at.toISOString(), t.value]),
    );
    // Easter Monday (29 March 2027) is a public holiday: lit all night, no 23:00 cut.
    expect(inUtc.body.transitions.filter((t: any) => t.cause.point === '23:00').map((t: any) => t.local)).toEqual([
      '2027-03-25T23:00:00+01:00',
      '2027-03-26T23:00:00+01:00',
      '2027-03-27T23:00:00+01:00',
      '2027-03-28T23:00:00+02:00',
      '2027-03-30T23:00:00+02:00',
      '2027-03-31T23:00:00+02:00',
    ]);
  });

  it('plans bells as rings, one-off events included', async () => {
    const { status, body } = await preview({
      kind: 'bells',
      schedule: yamlFile('config/schedules/cloches-basilique.yaml'),
      site: siteOf('basilique'),
      from: '2027-06-12',
      to: '2027-06-13',
    });
    expect(status).toBe(200);
    expect(body.rings[0]).toEqual({
      at: '2027-06-12T05:00:00.000Z',
      local: '2027-06-12T07:00:00+02:00',
      sequence: 'angelus',
      strikes: 9,
      day: '2027-06-12',
      cause: { programmeId: 'ordinaire', ringIndex: 0, rule: null },
    });
    expect(body.rings).toContainEqual(
      expect.objectContaining({
        local: '2027-06-12T15:30:00+02:00',
        sequence: 'mariage',
        cause: { event: 0, name: 'Mariage Martin–Dubois' },
      }),
    );
  });

  it('answers 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...JANUARY_NIGHT, site: { ...CABINET_SITE, latitude: 123 } }, 'site.latitude'],
      [{ ...JANUARY_NIGHT, site: { ...CABINET_SITE, timeZone: 'Mars/Olympus' } }, 'site.timeZone'],
      [{ ...JANUARY_NIGHT, kind: 'sprinklers' }, 'kind'],
      [{ ...JANUARY_NIGHT, from: '4 janvier' }, 'from'],
      [{ ...JANUARY_NIGHT, to: '2027-01-03' }, 'to'],
      [{ ...JANUARY_NIGHT, to: '2027-02-15' }, 'to'],
      [{ ...JANUARY_NIGHT, colour: 'blue' }, ''],
      [
        { ...JANUARY_NIGHT, schedule: { ...LIGHTING, calendar: { defaultProgrammeId: 'jour', rules: [] } } },
        'schedule.calendar.defaultProgrammeId',
      ],
      [{ ...JANUARY_NIGHT, schedule: undefined }, 'schedule'],
    ];
    for (const [body, path] of cases) {
      const answer = await preview(body);
      expectRefused(answer, path);
      expect(answer.body.message).toMatch(/^invalid schedule preview: /);
    }
  });
});

describe('POST /api/schedules/lint', () => {
  it("reports what the gateway's schema refuses, with each path, as an answer", async () => {
    const brokenDocuments = [
      { ...LIGHTING, calendar: { defaultProgrammeId: 'nuit', rules: [{ kind: 'publicHoliday', zone: 'atlantis' }] } },
      { ...LIGHTING, calendar: { defaultProgrammeId: 'jour', rules: [] } },
    ];
    const paths: string[] = [];
    for (const broken of brokenDocuments) {
      const { status, body } = await lint({ kind: 'lighting', schedule: broken });
      expect(status).toBe(200);
      expect(body.valid).toBe(false);
      const gateway = scheduleSchema.safeParse(broken);
      expect(body.problems).toEqual(
        problemsFromIssues(gateway.error!.issues, broken).map((problem) => ({
          path: `schedule.${problem.path}`,
          message: problem.message,
          severity: 'error',
          code: 'invalid',
        })),
      );
      paths.push(...(body.problems as { path: string }[]).map((p) => p.path));
    }
    expect(paths).toEqual([
      'schedule.calendar.rules[0].programmeId',
      'schedule.calendar.rules[0].zone',
      'schedule.calendar.defaultProgrammeId',
    ]);
  });

  it("finds the summer short burn of Saint-Quentin's night cut at its site", async () => {
    const { status, body } = await lint({
      kind: 'lighting',
      schedule: LIGHTING,
      site: CABINET_SITE,
      from: '2027-06-01',
      to: '2027-07-01',
    });
    expect(status).toBe(200);
    expect(body.valid).toBe(true);
    const shortBurn = body.problems.find((p: any) => p.code === 'shortBurn');
    expect(shortBurn).toMatchObject({ path: 'schedule.programmes.nuit.points[2]', severity: 'warning' });
    expect(shortBurn.nights).toContain('2027-06-20');
    expect(shortBurn.nights.every((night: string) => night >= '2027-06-01' && night < '2027-07-01')).toBe(true);

    const winter = await lint({ ...JANUARY_NIGHT, to: '2027-01-11' });
    expect(winter.body).toEqual({ valid: true, problems: [] });
    expect((await lint({ kind: 'lighting', schedule: LIGHTING })).body).toEqual({ valid: true, problems: [] });

    // Without a range, the year from today at the site: it holds a June.
    const year = await lint({ kind: 'lighting', schedule: LIGHTING, site: CABINET_SITE });
    expect(year.body.problems.find((p: any) => p.code === 'shortBurn')?.nights.length).toBeGreaterThan(10);
  });

  it('checks heating and bells schedules by their own rules', async () => {
    const heating = await lint({
      kind: 'heating',
      schedule: {
        ...yamlFile('config/schedules/chauffage-salle-des-fetes.yaml'),
        setpoints: { comfort: 21, eco: 16, frost: 8 },
      },
      site: siteOf('salle-des-fetes'),
      from: '2027-01-04',
      to: '2027-01-11',
    });
    expect(heating.status).toBe(200);
    expect(heating.body.problems).toContainEqual(
      expect.objectContaining({ code: 'setpointAboveLimit', path: 'schedule.setpoints', severity: 'warning' }),
    );
    const bells = await lint({ kind: 'bells', schedule: LIGHTING });
    expect(bells.body.valid).toBe(false);
    expect(bells.body.problems.map((p: any) => p.path)).toContain('schedule.sequences');
  });

  it('answers 400 for a bad request around the document', async () => {
    const cases: [unknown, string][] = [
      [{ schedule: LIGHTING }, 'kind'],
      [{ kind: 'lighting' }, 'schedule'],
      [{ kind: 'lighting', schedule: LIGHTING, site: CABINET_SITE, from: '2027-01-04' }, 'to'],
      [{ kind: 'lighting', schedule: LIGHTING, from: '2027-01-04', to: '2027-01-05' }, 'site'],
      [{ kind: 'lighting', schedule: LIGHTING, site: CABINET_SITE, from: '2027-01-04', to: '2028-06-01' }, 'to'],
      [{ kind: 'lighting', schedule: LIGHTING, horizon: 'naval' }, 'horizon'],
    ];
    for (const [body, path] of cases) {
      expectRefused(await lint(body), path);
    }
  });
});

describe('at a site a gateway reported', () => {
  it("previews and lints at a site of the gateway's config, within the caller's tenant only", async () => {
    const admin = await central.login('admin@useda');
    const enrol = async (insee: string, gatewayId: string) => {
      const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
        code: string;
      };
      const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as {
        credential: string;
      };
      return new ProtocolGateway(gatewayId, credential, central.wsUrl);
    };
    const gatewaySite = { gatewayId: 'gw-sites', siteId: 'hotel-de-ville' };
    const gateway = await enrol('02691', 'gw-sites');
    await gateway.connect();
    expect((await preview({ ...JANUARY_NIGHT, site: undefined, gatewaySite })).body).toMatchObject({
      code: 'NOT_FOUND',
      message: 'gateway gw-sites has not reported its sites yet',
    });
    gateway.append({
      class: 'health',
      payload: {
        at: '2027-01-04T11:00:00.000Z',
        equipment: {},
        outbox: { telemetry: 0, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
        sites: GATEWAY.sites,
      },
    });
    gateway.flush();
    await gateway.drained();

    const atSite = await preview({ ...JANUARY_NIGHT, site: undefined, gatewaySite });
    expect(atSite.status).toBe(200);
    expect(atSite.body).toEqual((await preview(JANUARY_NIGHT)).body);
    const linted = await lint({ ...JANUARY_NIGHT, site: undefined, gatewaySite });
    expect(linted.body).toEqual((await lint(JANUARY_NIGHT)).body);

    const unknown = await preview({ ...JANUARY_NIGHT, site: undefined, gatewaySite: { ...gatewaySite, siteId: 'x' } });
    expect(unknown.body.message).toBe(
      'gateway gw-sites has no site x (its sites: hotel-de-ville, basilique, salle-des-fetes)',
    );
    expectRefused(await preview({ ...JANUARY_NIGHT, gatewaySite }), 'gatewaySite');
    expectRefused(await preview({ ...JANUARY_NIGHT, site: undefined }), 'site');
    const otherTenant = await preview(
      { ...JANUARY_NIGHT, site: undefined, gatewaySite },
      await central.login('agent@02408'),
    );
    expect([otherTenant.status, otherTenant.body.message]).toEqual([404, 'no gateway gw-sites']);
    gateway.close();
  });
});

describe('access to schedule lint and preview', () => {
  it('needs a session', async () => {
    for (const answer of [await preview(JANUARY_NIGHT, null), await lint(JANUARY_NIGHT, null)]) {
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('is open to every role', async () => {
    for (const account of SEED.accounts) {
      const session = await central.login(account.login);
      expect({ role: account.role, status: (await preview(JANUARY_NIGHT, session)).status }).toEqual({
        role: account.role,
        status: 200,
      });
      expect({ role: account.role, status: (await lint(JANUARY_NIGHT, session)).status }).toEqual({
        role: account.role,
        status: 200,
      });
    }
  });
});
