import type { CatalogueEquipment, CataloguePoint } from '@beffroi/sync';
import { bindTemplate } from './template-binding';

const SCHEDULE = { any: 'document' };

function point(id: string, writable: boolean, tags?: string[]): CataloguePoint {
  return { id, kind: writable ? 'command' : 'feedback', type: 'bool', writable, ...(tags ? { tags } : {}) };
}

function equipment(id: string, points: CataloguePoint[]): CatalogueEquipment {
  return { id, profile: 'p', points };
}

const CABINET = equipment('cabinet', [
  point('circuit.1.command', true, ['eclairage-voirie']),
  point('circuit.1.feedback', false, ['eclairage-voirie']),
  point('circuit.2.command', true, ['eclairage-stade']),
  point('circuit.3.command', true, ['eclairage-voirie', 'eclairage-patrimoine']),
]);

describe('a template bound by tag to what a gateway has', () => {
  it('drives every writable output carrying the tag, never a feedback', () => {
    expect(
      bindTemplate({ kind: 'lighting', tag: 'eclairage-voirie', slot: 'baseline', schedule: SCHEDULE }, [CABINET]),
    ).toEqual({
      kind: 'bound',
      bound: ['cabinet:circuit.1.command', 'cabinet:circuit.3.command'],
      item: {
        kind: 'lighting',
        slot: 'baseline',
        outputs: ['cabinet:circuit.1.command', 'cabinet:circuit.3.command'],
        schedule: SCHEDULE,
      },
    });
  });

  it('binds nothing, saying so, where no output carries the tag', () => {
    expect(bindTemplate({ kind: 'lighting', tag: 'cloches', slot: 'calendar', schedule: SCHEDULE }, [CABINET])).toEqual(
      {
        kind: 'unbound',
        reason: 'no output with the tag "cloches" on this gateway',
      },
    );
  });

  it('drives each heating zone one of whose points carries the tag, once', () => {
    const heating = equipment('chauffage', [
      point('zone.1.mode', true, ['chauffage-salle']),
      point('zone.1.comfort_setpoint', true, ['chauffage-salle']),
      point('zone.2.mode', true),
      point('zone.12.mode', true, ['chauffage-salle']),
    ]);
    expect(
      bindTemplate({ kind: 'heating', tag: 'chauffage-salle', slot: 'baseline', schedule: SCHEDULE }, [heating]),
    ).toMatchObject({
      kind: 'bound',
      bound: ['chauffage:zone.1', 'chauffage:zone.12'],
      item: { kind: 'heating', zones: ['chauffage:zone.1', 'chauffage:zone.12'] },
    });
  });

  it('drives the one bell controller carrying the tag, and refuses to choose between two', () => {
    const bells = (id: string) => equipment(id, [point('bell.1.strike', true, ['cloches'])]);
    expect(bindTemplate({ kind: 'bells', tag: 'cloches', schedule: SCHEDULE }, [CABINET, bells('eglise')])).toEqual({
      kind: 'bound',
      bound: ['eglise'],
      item: { kind: 'bells', equipment: 'eglise', schedule: SCHEDULE },
    });
    expect(
      bindTemplate({ kind: 'bells', tag: 'cloches', schedule: SCHEDULE }, [bells('eglise'), bells('chapelle')]),
    ).toEqual({
      kind: 'unbound',
      reason: 'the tag "cloches" is on 2 bell controllers (eglise, chapelle); a bells template drives one',
    });
  });
});
