import type { BellDocument } from './planning-bells';
import type { LightingDocument } from './planning-document';
import type { HeatingDocument } from './planning-heating';
import { draftOf, scheduleItem } from './planning-kinds';

const HEATING: HeatingDocument = {
  setpoints: { comfort: 19, eco: 16, frost: 8 },
  calendar: { defaultProgrammeId: 'hors-gel', rules: [] },
  programmes: { 'hors-gel': { points: [{ at: '12:00', value: 'frost' }] } },
};
const LIGHTING: LightingDocument = {
  calendar: { defaultProgrammeId: 'nuit', rules: [] },
  programmes: { nuit: { points: [{ sun: 'sunset', value: true }] } },
};
const BELLS: BellDocument = {
  sequences: { heures: { steps: [{ strike: 2, count: 'hour' }] } },
  calendar: { defaultProgrammeId: 'ordinaire', rules: [] },
  programmes: { ordinaire: { rings: [{ every: 60, from: '08:00', to: '21:00', sequence: 'heures' }] } },
  events: [],
};

describe('the document of each kind of schedule', () => {
  it('is read by its kind', () => {
    expect(draftOf({ kind: 'heating', document: HEATING })).toEqual({ kind: 'heating', document: HEATING });
    expect(draftOf({ kind: 'lighting', document: LIGHTING })).toEqual({ kind: 'lighting', document: LIGHTING });
    expect(draftOf({ kind: 'bells', document: BELLS })).toEqual({ kind: 'bells', document: BELLS });
    expect(draftOf({ kind: 'heating', document: LIGHTING })).toBeUndefined();
    expect(draftOf({ kind: null, document: LIGHTING })).toBeUndefined();
  });

  it('is saved with what it drives: outputs, zones or the bell equipment, slot and site kept', () => {
    const targets = {
      outputs: ['cab:circuit.1.command'],
      zones: ['heating-salle-des-fetes:zone.1'],
      equipment: 'bells-basilique',
      slot: 'calendar' as const,
      site: 'mairie',
    };
    expect(scheduleItem(targets, { kind: 'lighting', document: LIGHTING })).toEqual({
      kind: 'lighting',
      outputs: ['cab:circuit.1.command'],
      slot: 'calendar',
      site: 'mairie',
      schedule: LIGHTING,
    });
    expect(scheduleItem({ zones: targets.zones }, { kind: 'heating', document: HEATING })).toEqual({
      kind: 'heating',
      zones: ['heating-salle-des-fetes:zone.1'],
      schedule: HEATING,
    });
    expect(scheduleItem(targets, { kind: 'bells', document: BELLS })).toEqual({
      kind: 'bells',
      equipment: 'bells-basilique',
      site: 'mairie',
      schedule: BELLS,
    });
  });
});
