import { execFileSync } from 'node:child_process';
import { commissioningReportSummary } from '@beffroi/api';
import { z } from 'zod';
import { acceptanceReport } from '../../libs/sync/src/sync.fixtures';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway } from '../support/protocol-gateway';

/**
 * Procès-verbaux de recette reach central through the outbox (docs/sync.md, class `commissioningReport`): stored
 * with the commune of the gateway that sent them, once per report id however often they are sent, listed and
 * rendered (HTML, PDF) for those who may read that commune only.
 */

const GATEWAY_ID = 'gw-recette';
const report = acceptanceReport({ gateway: { id: GATEWAY_ID, version: '0.1.0', node: 'v20.20.0' } });

let central: CentralHarness;

beforeAll(async () => {
  central = await startCentral();
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', '/api/communes/02691/enrolment-codes')).body as { code: string };
  const { credential } = (await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId: GATEWAY_ID }))
    .body as { credential: string };
  const gateway = new ProtocolGateway(GATEWAY_ID, credential, central.wsUrl);
  const welcome = await gateway.connect();
  expect(welcome.result === 'accepted' && welcome.protocolVersion).toBe(2);
  gateway.append({ class: 'commissioningReport', payload: report });
  gateway.append({ class: 'commissioningReport', payload: report });
  gateway.flush();
  await gateway.drained();
  gateway.close();
});

afterAll(async () => {
  await central.close();
});

async function download(token: string, path: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(`${central.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

it('stores a report once, sent twice under two seqs, and lists it for the commune of its gateway', async () => {
  const reader = await central.login('lecteur@02691');
  const { status, body } = await central.api(reader, 'GET', '/api/communes/02691/commissioning-reports');
  expect(status).toBe(200);
  expect(z.array(commissioningReportSummary).parse(body)).toEqual([
    {
      id: report.id,
      gatewayId: GATEWAY_ID,
      equipment: ['armoire-1'],
      sites: 'Centre',
      createdAt: '2027-01-15T18:00:00.000Z',
      result: 'passed',
      summary: { passed: 1, failed: 0, skipped: 0, pending: 0 },
      engineer: 'Jeanne Technicienne',
    },
  ]);
});

it('renders the report as the gateway does, as an HTML page and as a PDF', async () => {
  const reader = await central.login('lecteur@02691');
  const path = `/api/communes/02691/commissioning-reports/${report.id}`;
  const html = await download(reader, path);
  expect(html.status).toBe(200);
  expect(html.type).toBe('text/html; charset=utf-8');
  expect(html.body.toString('utf8')).toContain('Procès-verbal de recette');
  expect(html.body.toString('utf8')).toContain('Jeanne Technicienne');
  const pdf = await download(reader, `${path}?format=pdf`);
  expect(pdf.status).toBe(200);
  expect(pdf.type).toBe('application/pdf');
  const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.body }).toString('utf8');
  expect(text).toContain('Procès-verbal de recette');
  expect(text).toContain('Saint-Quentin');
});

it('answers another commune, and a report asked under another commune, like things that do not exist', async () => {
  const laon = await central.login('agent@02408');
  expect((await central.api(laon, 'GET', '/api/communes/02691/commissioning-reports')).status).toBe(404);
  expect((await download(laon, `/api/communes/02691/commissioning-reports/${report.id}`)).status).toBe(404);
  const asLaon = await download(laon, `/api/communes/02408/commissioning-reports/${report.id}`);
  expect(asLaon.status).toBe(404);
  expect(JSON.parse(asLaon.body.toString('utf8'))).toMatchObject({ message: expect.stringContaining(report.id) });
  const bad = await central.api(laon, 'GET', `/api/communes/02408/commissioning-reports/${report.id}?format=doc`);
  expect(bad.status).toBe(400);
});
