import { bellDocument, type BellDocument, quietHours, sequenceName, withRings } from './planning-bells';

/** A part of config/schedules/cloches-basilique.yaml, in a file's form (durations in milliseconds). */
const BASILIQUE: BellDocument = {
  sequences: {
    angelus: {
      name: 'Angélus',
      steps: [{ strike: 1, count: 3, interval: 4000 }, { pause: 8000 }, { swing: [1], duration: 120_000 }],
    },
    heures: { name: 'Heure frappée', steps: [{ strike: 2, count: 'hour', interval: 3000 }] },
    glas: { steps: [{ strike: 3, count: 12, interval: 10_000 }] },
  },
  calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
  programmes: {
    ordinaire: {
      rings: [
        { at: '07:00', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '11:00', sequence: 'heures' },
        { at: '19:05', sequence: 'angelus' },
      ],
    },
  },
  events: [{ date: '2027-06-12', at: '15:30', sequence: 'glas', name: 'Obsèques' }],
};

const edited = (edit: ReturnType<typeof withRings>): BellDocument => {
  if (!('document' in edit)) throw new Error(`refused: ${edit.problem}`);
  return edit.document;
};

describe('a bell schedule document', () => {
  it('reads the parsed form a gateway reports for its config as a file writes it', () => {
    const reported = {
      sequences: {
        angelus: {
          name: 'Angélus',
          steps: [{ strike: 1, count: 3, intervalMs: 4000 }, { pauseMs: 8000 }, { swing: [1], durationMs: 120_000 }],
        },
        heures: { name: 'Heure frappée', steps: [{ strike: 2, count: 'hour', intervalMs: 3000 }] },
        glas: { steps: [{ strike: 3, count: 12, intervalMs: 10_000 }] },
      },
      calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
      programmes: {
        ordinaire: {
          rings: [
            { at: { hour: 7, minute: 0 }, sequence: 'angelus' },
            { everyMinutes: 60, from: { hour: 8, minute: 0 }, to: { hour: 11, minute: 0 }, sequence: 'heures' },
            { at: { hour: 19, minute: 5 }, sequence: 'angelus' },
          ],
        },
      },
      events: [
        { date: { year: 2027, month: 6, day: 12 }, at: { hour: 15, minute: 30 }, sequence: 'glas', name: 'Obsèques' },
      ],
    };
    expect(bellDocument(reported)).toEqual(BASILIQUE);
    expect(bellDocument(BASILIQUE)).toEqual(BASILIQUE);
  });

  it('is not a lighting or heating document', () => {
    expect(bellDocument({ calendar: BASILIQUE.calendar, programmes: { nuit: { points: [] } } })).toBeUndefined();
  });

  it('says its quiet hours and its sequences by name', () => {
    expect(quietHours(BASILIQUE)).toEqual([{ programmeId: 'ordinaire', from: '19:05', to: '07:00' }]);
    expect([sequenceName(BASILIQUE, 'angelus'), sequenceName(BASILIQUE, 'glas')]).toEqual(['Angélus', 'glas']);
  });
});

describe('the rings of a programme', () => {
  it('are replaced: the hours struck later in the evening move the quiet hours', () => {
    const later = edited(
      withRings(BASILIQUE, 'ordinaire', [
        { at: '07:00', sequence: 'angelus' },
        { every: 60, from: '08:00', to: '21:00', sequence: 'heures' },
      ]),
    );
    expect(quietHours(later)).toEqual([{ programmeId: 'ordinaire', from: '21:00', to: '07:00' }]);
    expect(later.events).toBe(BASILIQUE.events);
    expect(later.sequences).toBe(BASILIQUE.sequences);
  });

  it('are refused when the engine would refuse them', () => {
    const ring = (fields: object) =>
      withRings(BASILIQUE, 'ordinaire', [{ sequence: 'heures', every: 60, from: '08:00', to: '11:00', ...fields }]);
    expect(ring({ from: '12:00' })).toEqual({ problem: 'ringOrder' });
    expect(ring({ to: '8h' })).toEqual({ problem: 'badTime' });
    expect(ring({ every: 0 })).toEqual({ problem: 'badEvery' });
    expect(ring({ sequence: 'tocsin' })).toEqual({ problem: 'noSequence' });
    expect(withRings(BASILIQUE, 'ordinaire', [{ at: '7:00', sequence: 'angelus' }])).toEqual({ problem: 'badTime' });
    expect(withRings(BASILIQUE, 'dimanche', [])).toEqual({ problem: 'noProgramme' });
  });
});
