import type { CommissioningReportSummary, Commune } from '@beffroi/api';
import { gatewayTimeZones, reportGateways, reportLines } from './reports-view';
import { type Page, pageOf, pathOf } from './router';

const report = (extra: Partial<CommissioningReportSummary>): CommissioningReportSummary => ({
  id: '3b7e0c4e-1111-4a4a-9a9a-000000000001',
  gatewayId: 'gw-mairie',
  equipment: ['armoire-1', 'cloches'],
  sites: 'Mairie',
  createdAt: '2027-01-15T18:00:00.000Z',
  result: 'passed',
  summary: { passed: 7, failed: 0, skipped: 1, pending: 0 },
  engineer: 'Jeanne Dupont',
  ...extra,
});

const commune: Commune = {
  insee: '02691',
  name: 'Saint-Quentin',
  department: '02',
  syndicateId: 'useda',
  gateways: [
    {
      id: 'gw-mairie',
      communeInsee: '02691',
      online: true,
      lastSeenAt: null,
      clockOffsetMs: null,
      revokedAt: null,
      health: {
        at: '2027-01-15T18:00:00.000Z',
        equipment: {},
        sites: [{ id: 'mairie', name: 'Mairie', timeZone: 'Europe/Paris' }],
      },
    },
    {
      id: 'gw-eglise',
      communeInsee: '02691',
      online: false,
      lastSeenAt: null,
      clockOffsetMs: null,
      revokedAt: null,
      health: null,
    },
  ],
};

describe('the Recettes page', () => {
  it.each<[Page, string]>([
    [{ name: 'reports', insee: '02691' }, '/communes/02691/recettes'],
    [{ name: 'reports', insee: '02691', gatewayId: 'gw-mairie' }, '/communes/02691/recettes?passerelle=gw-mairie'],
  ])('%j is at %s and read back from it', (page, path) => {
    expect(pathOf(page)).toBe(path);
    const [pathname, search] = path.split('?');
    expect(pageOf(pathname ?? '', search === undefined ? '' : `?${search}`)).toEqual(page);
  });

  it('says each procès-verbal in words, its date with the year on the clock of its gateway', () => {
    const lines = reportLines(
      [report({}), report({ id: 'b', result: 'failed', summary: { passed: 1, failed: 2, skipped: 0, pending: 0 } })],
      undefined,
      gatewayTimeZones(commune),
    );
    expect(lines).toEqual([
      {
        id: '3b7e0c4e-1111-4a4a-9a9a-000000000001',
        gatewayId: 'gw-mairie',
        made: '15 janvier 2027 à 19:00',
        sites: 'Mairie',
        equipment: 'armoire-1, cloches',
        engineer: 'Jeanne Dupont',
        result: 'essais conformes',
        passed: true,
        summary: '7 conformes, 0 non conforme, 1 non réalisé',
      },
      expect.objectContaining({ id: 'b', result: 'essais non conformes', passed: false }),
    ]);
    expect(lines[1]?.summary).toBe('1 conforme, 2 non conformes, 0 non réalisé');
  });

  it('keeps one gateway when filtered, and dates a gateway that has not reported its sites in Paris time', () => {
    const lines = reportLines(
      [report({}), report({ id: 'e', gatewayId: 'gw-eglise', result: 'aborted' })],
      'gw-eglise',
      gatewayTimeZones(commune),
    );
    expect(lines.map((line) => [line.id, line.made, line.result])).toEqual([
      ['e', '15 janvier 2027 à 19:00', 'essais interrompus'],
    ]);
  });

  it('offers in its filter every gateway of the commune, any other that sent a report and the one asked for, sorted', () => {
    expect(reportGateways([report({ gatewayId: 'gw-ancienne' })], commune, '')).toEqual([
      'gw-ancienne',
      'gw-eglise',
      'gw-mairie',
    ]);
    expect(reportGateways([], undefined, '')).toEqual([]);
    expect(reportGateways([], undefined, 'gw-inconnue')).toEqual(['gw-inconnue']);
  });
});
