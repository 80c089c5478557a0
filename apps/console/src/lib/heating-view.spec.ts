import type { CatalogueEquipment, CataloguePoint, GatewaySchedules } from '@beffroi/api';
import { heatingZones, limitWarnings } from './heating-view';

const point = (id: string, value: CataloguePoint['value'], extra: Partial<CataloguePoint> = {}): CataloguePoint => ({
  key: `heating-sdf:${id}`,
  id,
  kind: 'measure',
  type: 'float64',
  writable: false,
  value,
  quality: { status: 'good' },
  observedAt: null,
  receivedAt: null,
  ...extra,
});

const equipment: CatalogueEquipment[] = [
  {
    id: 'heating-sdf',
    name: 'Chauffage salle des fêtes',
    profile: 'beffroi-sim-heating',
    points: [
      point('zone.1.mode', 'eco', {
        name: 'Zone 1 — régime (confort, éco, hors-gel)',
        kind: 'setpoint',
        writable: true,
      }),
      point('zone.1.comfort_setpoint', 20, { kind: 'setpoint', writable: true }),
      point('zone.1.eco_setpoint', 16, { kind: 'setpoint', writable: true }),
      point('zone.1.frost_setpoint', 8, { kind: 'setpoint', writable: true }),
      point('zone.1.active_setpoint', 16),
      point('zone.1.temperature', 17.2),
      point('zone.1.heater_on', false, { kind: 'feedback', type: 'bool' }),
      point('zone.2.mode', null, { kind: 'setpoint', writable: true, quality: { status: 'bad' } }),
    ],
  },
  { id: 'cabinet', profile: 'cabinet', points: [point('circuit.1.command', true)] },
];

const schedules: GatewaySchedules = {
  gatewayId: 'gw-1',
  catalogueReported: true,
  schedules: [
    {
      id: 'chauffage-sdf',
      kind: 'heating',
      targets: { zones: ['heating-sdf:zone.1'] },
      document: { setpoints: { comfort: 19, eco: 17, frost: 8 }, programmes: {} },
      source: 'config',
    },
  ],
};

describe("the heating page's model", () => {
  const [first, second] = heatingZones(equipment, schedules);

  it('shows each zone with its temperature, active setpoint, mode and the points to change', () => {
    expect(first).toMatchObject({
      equipmentName: 'Chauffage salle des fêtes',
      zone: 'zone.1',
      name: 'Zone 1',
      temperature: 17.2,
      activeSetpoint: 16,
      mode: 'eco',
      heating: false,
      modeKey: 'heating-sdf:zone.1.mode',
      setpointKeys: {
        comfort: 'heating-sdf:zone.1.comfort_setpoint',
        eco: 'heating-sdf:zone.1.eco_setpoint',
        frost: 'heating-sdf:zone.1.frost_setpoint',
      },
      setpoints: { comfort: 20, eco: 16, frost: 8 },
    });
    expect(second).toMatchObject({ zone: 'zone.2', name: 'Zone 2', mode: undefined, schedule: undefined });
  });

  it("flags the controller's and the schedule's setpoints above 19 / 16 / 8 °C", () => {
    expect(first?.warnings.map((w) => w.text)).toEqual([
      'Consigne confort de 20 °C : au-dessus des 19 °C autorisés en occupation.',
    ]);
    expect(first?.schedule).toMatchObject({ id: 'chauffage-sdf', source: 'config', setpoints: { eco: 17 } });
    expect(first?.schedule?.warnings.map((w) => w.level)).toEqual(['eco']);
    expect(limitWarnings({ comfort: 19, eco: 16, frost: 8 })).toEqual([]);
    expect(limitWarnings({ frost: 8.5 }).map((w) => w.text)).toEqual([
      "Consigne hors gel de 8,5 °C : au-dessus des 8 °C autorisés au-delà de 48 h d'inoccupation.",
    ]);
  });
});
