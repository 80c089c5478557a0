import {
  equipmentLabel,
  equipmentName,
  groupLabel,
  outputName,
  pointLabel,
  pointName,
  siteOf,
  splitKey,
} from './names';

describe('display names derived from ids and keys', () => {
  it('names equipment by its kind and place', () => {
    expect(equipmentName('cabinet-hotel-de-ville')).toBe('Armoire hotel de ville');
    expect(equipmentName('bells-basilique')).toBe('Cloches basilique');
    expect(equipmentName('heating-salle-des-fetes')).toBe('Chauffage salle des fetes');
    expect(equipmentName('pompe-relevage')).toBe('Pompe relevage');
  });

  it('names circuits, bells and zones by number', () => {
    expect(pointName('circuit.4.command')).toBe('Circuit 4');
    expect(pointName('bell.2.swing')).toBe('Cloche 2 — volée');
    expect(pointName('zone.1.active_setpoint')).toBe('Zone 1 — consigne active');
    expect(pointName('door.open')).toBe('Door open');
    expect(outputName('cabinet-hotel-de-ville:circuit.4.command')).toBe('Armoire hotel de ville — Circuit 4');
  });

  it('finds the site whose id ends the equipment id, the longest first', () => {
    expect(siteOf('bells-basilique', ['hotel-de-ville', 'basilique'])).toBe('basilique');
    expect(siteOf('cabinet-grande-place', ['place', 'grande-place'])).toBe('grande-place');
    expect(siteOf('cabinet-1', ['hotel-de-ville'])).toBeUndefined();
  });

  it('splits a point key at its first colon', () => {
    expect(splitKey('cabinet-a:circuit.1.command')).toEqual({ equipmentId: 'cabinet-a', pointId: 'circuit.1.command' });
  });
});

describe('names from the catalogue', () => {
  it("uses the catalogue's names, with their accents", () => {
    expect(equipmentLabel({ id: 'cabinet-hotel-de-ville', name: 'Armoire Hôtel de Ville' })).toBe(
      'Armoire Hôtel de Ville',
    );
    expect(pointLabel({ id: 'circuit.4.command', name: 'Départ 4 — commande contacteur' })).toBe(
      'Départ 4 — commande contacteur',
    );
    expect(groupLabel({ id: 'circuit.4.command', name: 'Départ 4 — commande contacteur' })).toBe('Départ 4');
    expect(groupLabel({ id: 'zone.1.mode', name: 'Zone 1 — régime (confort, éco, hors-gel)' })).toBe('Zone 1');
  });

  it('derives a name from the id only for what the catalogue leaves unnamed', () => {
    expect(equipmentLabel({ id: 'bells-basilique' })).toBe('Cloches basilique');
    expect(pointLabel({ id: 'bell.2.swing' })).toBe('Cloche 2 — volée');
    expect(groupLabel({ id: 'bell.2.swing' })).toBe('Cloche 2');
    expect(groupLabel({ id: 'door.open', name: 'Porte ouverte' })).toBe('Porte ouverte');
  });
});
