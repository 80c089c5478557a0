import type { Account, HistoryEntry } from '@beffroi/api';
import { historyKinds, historyLine } from './history-view';

const entry = (extra: Partial<HistoryEntry>): HistoryEntry => ({
  at: '2026-12-03T22:00:00.000Z',
  gatewayId: 'gw-1',
  pointKey: 'cabinet-hotel-de-ville:circuit.4.command',
  pointName: 'Départ 4 — commande contacteur',
  equipmentName: 'Armoire Hôtel de Ville',
  unit: null,
  what: 'switch',
  value: true,
  result: 'applied',
  reason: null,
  target: null,
  by: null,
  byName: null,
  ...extra,
});

const account = (role: Account['role']): Account => ({
  accountId: 1,
  login: 'x',
  role,
  syndicateId: null,
  communeInsee: '02691',
});

describe("the Historique page's lines", () => {
  it("says who sent a command, by name and login, on the site's clock", () => {
    expect(
      historyLine('commands', entry({ by: 'agent@02691', byName: 'Agent Saint-Quentin' }), 'Europe/Paris'),
    ).toEqual({
      when: 'jeu. 3 déc., 23:00',
      subject: 'Armoire Hôtel de Ville — Départ 4 — commande contacteur',
      what: 'Commutation : allumé',
      result: 'appliquée',
      who: 'Agent Saint-Quentin (agent@02691)',
      reason: undefined,
    });
  });

  it('says what caused a switching and its value with its unit', () => {
    const line = historyLine(
      'switchings',
      entry({ what: 'schedule:eclairage', value: 19, unit: '°C', result: 'mismatch', reason: 'feedback off' }),
      'Europe/Paris',
    );
    expect([line.what, line.result, line.who, line.reason]).toEqual([
      'Programme « eclairage » : 19 °C',
      'retour différent',
      '',
      'feedback off',
    ]);
  });

  it('names a point the catalogue lacks from its id, and an audit entry by its action and target', () => {
    expect(historyLine('switchings', entry({ pointName: null, equipmentName: null }), 'UTC').subject).toBe(
      'cabinet-hotel-de-ville — Circuit 4',
    );
    const audit = historyLine(
      'audit',
      entry({ what: 'schedule.set', target: 'gw-1/cloches-basilique', result: 'version 4', by: 'system' }),
      'UTC',
    );
    expect([audit.what, audit.subject, audit.result, audit.who]).toEqual([
      'Programme modifié',
      'gw-1/cloches-basilique',
      'version 4',
      'system',
    ]);
  });

  it('offers the audit log to every role but read-only', () => {
    expect(historyKinds(account('read-only'))).toEqual(['switchings', 'commands']);
    expect(historyKinds(account('commune-staff'))).toEqual(['switchings', 'commands', 'audit']);
  });
});
