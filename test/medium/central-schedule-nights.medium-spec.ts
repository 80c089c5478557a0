import { readFileSync } from 'node:fs';
import { nightsResponse } from '@beffroi/api';
import {
  addDays,
  formatLocalDate,
  parseLocalDate,
  parseSchedule,
  programmeFor,
  summarizeNights,
} from '@beffroi/schedule';
import { parse } from 'yaml';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/** Saint-Quentin's lighting schedule and the sites of config/gateway.yaml, as the demo gateway reports them. */
const LIGHTING: unknown = parse(readFileSync('config/schedules/eclairage-saint-quentin.yaml', 'utf8'));
const SITES = (
  parse(readFileSync('config/gateway.yaml', 'utf8')) as {
    sites: { id: string; name: string; latitude: number; longitude: number; altitude: number; timeZone: string }[];
  }
).sites;
function siteOf(id: string) {
  const site = SITES.find((candidate) => candidate.id === id);
  if (site === undefined) throw new Error(`config/gateway.yaml has no site ${id}`);
  return site;
}
const CABINET_SITE = siteOf('hotel-de-ville');
const GATEWAY_SITE = { gatewayId: 'gw-nights', siteId: 'hotel-de-ville' };

/** Back on at 06:00 after a night cut: after sunrise in summer, so the lamps would light in daylight. */
const LIT_IN_SUMMER_DAYLIGHT = {
  calendar: { defaultProgrammeId: 'nuit', rules: [] },
  programmes: {
    nuit: {
      points: [
        { sun: 'sunset', value: true },
        { at: '23:00', value: false },
        { at: '06:00', value: true },
        { sun: 'sunrise', value: false },
      ],
    },
  },
};

let central: CentralHarness;
let token: string;

beforeAll(async () => {
  central = await startCentral();
  token = await central.login('lecteur@02691');
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (
    await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: GATEWAY_SITE.gatewayId })
  ).body as { credential: string };
  const gateway = new ProtocolGateway(GATEWAY_SITE.gatewayId, credential, central.wsUrl);
  await gateway.connect();
  gateway.append({
    class: 'health',
    payload: {
      at: '2027-01-04T11:00:00.000Z',
      equipment: {},
      outbox: { telemetry: 0, switching: 0, output: 0, alarm: 0, commandResult: 0, health: 1 },
      sites: SITES,
    },
  });
  gateway.flush();
  await gateway.drained();
});

afterAll(async () => {
  await central.close();
});

const nights = (body: unknown, as = token) => central.api(as, 'POST', '/api/schedules/nights', body);

describe('POST /api/schedules/nights', () => {
  it("gives a year of nights at a gateway's site as the gateway's engine computes them, with the rule that chose each", async () => {
    const answer = await nights({ schedule: LIGHTING, gatewaySite: GATEWAY_SITE, from: '2027-01-04', days: 365 });
    expect(answer.status).toBe(200);
    const body = nightsResponse.parse(answer.body);
    const schedule = parseSchedule(LIGHTING, 'eclairage-saint-quentin.yaml');
    const expected = summarizeNights(
      schedule,
      CABINET_SITE,
      parseLocalDate('2027-01-04'),
      addDays(parseLocalDate('2027-01-04'), 364),
    );
    expect(body.timeZone).toBe('Europe/Paris');
    expect(body.nights).toEqual(
      expected.map((night) => ({
        ...night,
        night: formatLocalDate(night.night),
        ruleIndex: programmeFor(schedule.calendar, night.night).ruleIndex,
        findings: [...night.findings],
      })),
    );
    const of = (date: string) => body.nights.find((night) => night.night === date);
    expect(of('2027-07-14')).toMatchObject({ programmeId: 'toute-la-nuit', ruleIndex: 0 });
    expect(of('2027-12-31')).toMatchObject({ programmeId: 'toute-la-nuit', ruleIndex: 1 });
    expect(of('2027-07-13')).toMatchObject({ programmeId: 'nuit', ruleIndex: null });
  });

  it('marks the summer nights of a document that would light in daylight', async () => {
    const answer = await nights({
      schedule: LIT_IN_SUMMER_DAYLIGHT,
      gatewaySite: GATEWAY_SITE,
      from: '2027-01-04',
      days: 365,
    });
    expect(answer.status).toBe(200);
    const body = nightsResponse.parse(answer.body);
    const flagged = body.nights.filter((night) => night.findings.includes('onAfterSunrise')).map((n) => n.night);
    expect(flagged).toContain('2027-06-20');
    expect(flagged).not.toContain('2027-01-04');
  });

  it('refuses a document its schema refuses, a range too long, and a gateway of another tenant, naming each', async () => {
    const broken = await nights({
      schedule: { ...LIT_IN_SUMMER_DAYLIGHT, programmes: { nuit: { points: [{ at: '25:00', value: true }] } } },
      gatewaySite: GATEWAY_SITE,
      from: '2027-01-04',
      days: 7,
    });
    expect(broken.status).toBe(400);
    expect(broken.body.problems).toEqual([
      { path: 'schedule.programmes.nuit.points[0].at', message: expect.stringContaining('HH:MM') },
    ]);
    const tooLong = await nights({ schedule: LIGHTING, gatewaySite: GATEWAY_SITE, from: '2027-01-04', days: 400 });
    expect({ status: tooLong.status, problems: tooLong.body.problems }).toEqual({
      status: 400,
      problems: [{ path: 'days', message: expect.stringContaining('1..366') }],
    });
    const otherTenant = await nights(
      { schedule: LIGHTING, gatewaySite: GATEWAY_SITE, from: '2027-01-04', days: 7 },
      await central.login('agent@02408'),
    );
    expect(otherTenant.status).toBe(404);
  });
});
