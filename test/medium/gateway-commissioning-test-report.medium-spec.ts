import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayConfigSchema } from '@beffroi/domain';
import { type AcceptanceReport, buildAcceptanceReport } from '../../apps/gateway/src/commissioning/report-content';
import { acceptanceReportHtml, acceptanceReportPdf } from '@beffroi/runtime';
import type { TestRunView } from '../../apps/gateway/src/commissioning/test-run.service';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { gatewayConfigFor, PROFILES_DIR } from '../support/gateway-harness';

/** The text layer the golden file holds, as Debian's pdftotext (poppler-utils) reads it. */
const GOLDEN = join(__dirname, 'gateway-commissioning-test-report.golden.txt');

const RUN: TestRunView = {
  id: '7d0c2d4e-0000-4000-8000-000000000001',
  state: 'failed',
  equipment: ['cabinet', 'bells'],
  options: { alarms: true, promptTimeout: 300 },
  startedBy: 'tech@useda',
  startedAt: '2027-03-15T09:00:00.000Z',
  endedAt: '2027-03-15T09:04:30.000Z',
  prompt: null,
  summary: { passed: 4, failed: 1, skipped: 1, pending: 0 },
  steps: [
    {
      index: 0,
      equipment: 'cabinet',
      kind: 'circuit',
      key: 'cabinet:circuit.1.command',
      name: 'Départ 1 — commande contacteur',
      state: 'passed',
      latencyMs: { on: 212, off: 198 },
      detail: "retour d'état conforme (marche 212 ms, arrêt 198 ms)",
    },
    {
      index: 1,
      equipment: 'cabinet',
      kind: 'circuit',
      key: 'cabinet:circuit.2.command',
      name: 'Départ 2 — commande contacteur',
      state: 'failed',
      latencyMs: { off: 31 },
      detail: 'marche : mismatch: cabinet:circuit.2.feedback shows false',
    },
    {
      index: 2,
      equipment: 'bells',
      kind: 'strike',
      key: 'bells:bell.1.strike',
      name: 'Cloche 1 — tintement',
      state: 'passed',
      latencyMs: { strike: 1180 },
      detail: 'un coup frappé et compté (bells:bell.1.strike_count)',
    },
    {
      index: 3,
      equipment: 'cabinet',
      kind: 'alarm',
      key: 'cabinet:door.open',
      name: 'Porte ouverte',
      state: 'passed',
      latencyMs: { seen: 4210 },
      detail: 'alarme vue sur cabinet:door.open',
    },
    {
      index: 4,
      equipment: 'cabinet',
      kind: 'alarm',
      key: 'cabinet:breaker.tripped',
      name: 'Disjoncteur déclenché',
      state: 'skipped',
      latencyMs: {},
      detail: 'contrôle passé par le technicien',
    },
    {
      index: 5,
      equipment: 'cabinet',
      kind: 'restore',
      key: 'cabinet:circuit.1.command',
      name: 'Départ 1 — commande contacteur — remise sous arbitrage',
      state: 'passed',
      latencyMs: { restore: 25 },
      detail: "rendue à l'arbitrage : false selon default (16)",
    },
  ],
};

function report(central: AcceptanceReport['central']): AcceptanceReport {
  const config = gatewayConfigSchema.parse({
    ...(gatewayConfigFor(
      [
        {
          id: 'street',
          protocol: 'modbus-tcp',
          host: '192.168.1.20',
          port: 502,
          equipment: [{ id: 'cabinet', profile: 'beffroi-sim-cabinet', unit: 1, site: 'site' }],
        },
        {
          id: 'belfry',
          protocol: 'modbus-rtu',
          path: '/dev/ttyUSB0',
          baudRate: 19200,
          equipment: [{ id: 'bells', profile: 'beffroi-sim-bells', unit: 2 }],
        },
      ],
      '/tmp/beffroi-report',
    ) as object),
  });
  return buildAcceptanceReport({
    id: 'pv-2027-03-15-0001',
    createdAt: new Date('2027-03-15T09:10:00.000Z'),
    config,
    profiles: loadProfiles(PROFILES_DIR),
    versions: { version: '0.1.0', node: 'v20.20.0' },
    run: RUN,
    schedules: {
      definitions: [{ id: 'eclairage', kind: 'lighting' }],
      next: [
        { at: '2027-03-16T05:00:00.000Z', schedule: 'eclairage', what: 'cabinet:circuit.1.command passe à false' },
        { at: '2027-03-15T18:12:00.000Z', schedule: 'eclairage', what: 'cabinet:circuit.1.command passe à true' },
        { at: '2027-03-16T18:14:00.000Z', schedule: 'eclairage', what: 'beyond the next 24 hours' },
      ],
    },
    central,
    fields: {
      insulationResistanceMOhm: 250,
      earthResistanceOhm: 12.5,
      rcdTripTimeMs: 28,
      remarks: 'Porte de l’armoire à regraisser.',
      engineer: 'Jeanne Dupont',
      representative: 'M. le Maire',
    },
  });
}

/** The text layer of a PDF, as Debian's pdftotext (poppler-utils) reads it, one trimmed line per line of text. */
async function textOf(pdf: Buffer): Promise<string> {
  const text = await new Promise<string>((resolve, reject) => {
    const child = execFile('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`pdftotext: ${error.message}`));
    });
    child.stdin?.end(pdf);
  });
  return `${text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n')}\n`;
}

describe('the procès-verbal de recette', () => {
  it("prints as PDF every section, in French, with the failed step and 'central injoignable' (golden text layer)", async () => {
    const unreachable = report({
      reachable: false,
      clockOffsetMs: null,
      roundTripMs: null,
      status: 'disconnected: connect ECONNREFUSED',
    });
    expect(await textOf(await acceptanceReportPdf(unreachable))).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('keeps only the next 24 hours of switchings, in time order, and says the clock check when central answers', async () => {
    const reachable = report({ reachable: true, clockOffsetMs: -120, roundTripMs: 38, status: 'connected' });
    expect(reachable.schedules.next24h.map((switching) => switching.at)).toEqual([
      '2027-03-15T18:12:00.000Z',
      '2027-03-16T05:00:00.000Z',
    ]);
    const text = await textOf(await acceptanceReportPdf(reachable));
    expect(text).toContain('Horloge : écart avec le central -120 ms (conforme).');
    expect(text).toContain('Aller-retour vers le central : 38 ms.');
    expect(text).not.toContain('injoignable');
  });

  it('is the same document as a self-contained HTML page, its texts escaped', () => {
    const html = acceptanceReportHtml(
      report({ reachable: false, clockOffsetMs: null, roundTripMs: null, status: 'disconnected' }),
    );
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<tr class="failed"><td>cabinet</td><td>Départ</td>');
    expect(html).toContain('Central injoignable lors de la recette (disconnected).');
    expect(html).toContain('Porte de l’armoire à regraisser.');
    expect(html).toContain('retour d&#39;état conforme');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
