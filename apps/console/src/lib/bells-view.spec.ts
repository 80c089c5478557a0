import type { BellSchedule, CatalogueEquipment } from '@beffroi/api';
import { bellsView, quietHoursOf } from './bells-view';

const schedule: BellSchedule = {
  id: 'cloches-basilique',
  equipment: 'bells-basilique',
  site: 'basilique',
  timeZone: 'Europe/Paris',
  source: 'config',
  sequences: [{ id: 'angelus', name: 'Angélus' }, { id: 'glas', name: 'Glas' }, { id: 'essai' }],
  defaultProgrammeId: 'ordinaire',
  programmes: {
    ordinaire: {
      rings: [
        { at: '07:00', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
        { at: '19:05', sequence: 'angelus' },
      ],
    },
    silence: { rings: [] },
  },
  events: [
    { date: '2026-12-10', at: '15:00', sequence: 'glas', name: 'Obsèques' },
    { date: '2026-12-03', at: '09:00', sequence: 'essai' },
    { date: '2026-12-03', at: '16:00', sequence: 'essai' },
  ],
};

const equipment: CatalogueEquipment[] = [
  {
    id: 'bells-basilique',
    name: 'Cloches de la basilique',
    profile: 'beffroi-sim-bells',
    points: [
      {
        key: 'bells-basilique:bell.1.running',
        id: 'bell.1.running',
        kind: 'feedback',
        type: 'bool',
        writable: false,
        value: false,
        quality: null,
        observedAt: null,
        receivedAt: null,
      },
      {
        key: 'bells-basilique:bell.1.swing',
        id: 'bell.1.swing',
        kind: 'command',
        type: 'bool',
        writable: true,
        value: false,
        quality: null,
        observedAt: null,
        receivedAt: null,
      },
    ],
  },
];

describe("the bells page's model", () => {
  // 2026-12-03 12:00 in Paris.
  const view = bellsView(schedule, equipment, new Date('2026-12-03T11:00:00Z'));

  it('names the equipment and the sequences, rung through a bell relay of the equipment', () => {
    expect(view.equipmentName).toBe('Cloches de la basilique');
    expect(view.ringKey).toBe('bells-basilique:bell.1.swing');
    expect(view.sequences).toEqual([
      { id: 'angelus', name: 'Angélus' },
      { id: 'glas', name: 'Glas' },
      { id: 'essai', name: 'essai' },
    ]);
  });

  it('says when each programme is silent: from its last ring of the day to its first', () => {
    expect(view.quietHours).toEqual([{ programmeId: 'ordinaire', from: '21:00', to: '07:00' }]);
    expect(quietHoursOf([{ at: '12:05' }])).toEqual({ from: '12:05', to: '12:05' });
    expect(quietHoursOf([])).toBeUndefined();
  });

  it("lists the one-off rings still to come on the site's clock, the soonest first, by sequence name", () => {
    expect(view.upcoming.map((e) => [e.date, e.at, e.sequenceName])).toEqual([
      ['2026-12-03', '16:00', 'essai'],
      ['2026-12-10', '15:00', 'Glas'],
    ]);
  });
});
