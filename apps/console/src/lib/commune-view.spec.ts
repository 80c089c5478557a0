import type { Alarm, CatalogueEquipment, CataloguePoint, Gateway } from '@beffroi/api';
import { groupAlarms } from './alarms-view';
import { gatewayView, offlineReason, withPointValue } from './commune-view';

const at = '2026-12-03T10:00:00.000Z';
const point = (
  key: string,
  value: CataloguePoint['value'],
  profile: { name?: string; kind?: string; unit?: string } = {},
  status: 'good' | 'bad' = 'good',
): CataloguePoint => ({
  key,
  id: key.split(':')[1] ?? '',
  kind: 'measure',
  type: typeof value === 'boolean' ? 'bool' : 'float32',
  writable: false,
  ...profile,
  value,
  quality: { status },
  observedAt: at,
  receivedAt: at,
});

const gateway: Gateway = {
  id: 'gw-1',
  communeInsee: '02691',
  online: true,
  lastSeenAt: at,
  clockOffsetMs: 0,
  revokedAt: null,
  health: {
    at,
    equipment: {
      'cabinet-mairie': { online: true },
      cloches: { online: false, reason: 'bus belfry is connecting', state: 'bus-connecting', bus: 'belfry' },
    },
    sites: [
      { id: 'mairie', name: 'Mairie', timeZone: 'Europe/Paris' },
      { id: 'eglise', name: 'Église', timeZone: 'Europe/Paris' },
    ],
  },
};

const equipment: CatalogueEquipment[] = [
  {
    id: 'cabinet-mairie',
    name: 'Armoire de la Mairie',
    profile: 'cabinet',
    site: 'mairie',
    points: [
      point('cabinet-mairie:circuit.10.command', true, { name: 'Départ 10 — commande contacteur', kind: 'command' }),
      point('cabinet-mairie:circuit.10.feedback', false, { kind: 'feedback' }),
      point('cabinet-mairie:circuit.2.command', true, { name: 'Départ 2 — commande contacteur', kind: 'command' }),
      point('cabinet-mairie:circuit.2.feedback', true, { kind: 'feedback' }),
      point('cabinet-mairie:circuit.2.level', 60, { unit: '%' }),
      point('cabinet-mairie:door.open', true, { name: 'Porte de l’armoire ouverte', kind: 'alarm' }),
      point('cabinet-mairie:breaker.tripped', false, { name: 'Disjoncteur déclenché', kind: 'alarm' }),
      point('cabinet-mairie:meter.alarm_count', 1),
    ],
  },
  {
    id: 'cloches',
    profile: 'bells',
    site: 'eglise',
    points: [point('cloches:bell.1.swing', null, { kind: 'command' }, 'bad')],
  },
  {
    id: 'heating-ecole',
    name: 'Chaufferie de l’école',
    profile: 'heating',
    points: [
      point('heating-ecole:zone.1.mode', 'eco', { name: 'Zone 1 — régime', kind: 'setpoint' }),
      point('heating-ecole:zone.1.temperature', 17.5, { unit: '°C' }),
      point('heating-ecole:zone.1.active_setpoint', 16, { unit: '°C' }),
      point('heating-ecole:zone.1.heater_on', false, { kind: 'feedback' }),
    ],
  },
];

const alarm = (id: number, key: string, extra: Partial<Alarm> = {}): Alarm => ({
  id,
  gatewayId: 'gw-1',
  key,
  severity: 'critical',
  message: key,
  raisedAt: at,
  clearedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  state: 'open',
  ...extra,
});

describe("the commune page's model", () => {
  const view = gatewayView(gateway, equipment, [
    alarm(1, 'equipment:cloches'),
    alarm(2, 'equipment:cabinet-mairie', { state: 'cleared', clearedAt: at }),
  ]);

  it('puts equipment under the site the catalogue gives, the rest under "Autres équipements"', () => {
    expect(view.sites.map((site) => [site.name, site.equipment.map((e) => [e.id, e.name])])).toEqual([
      ['Mairie', [['cabinet-mairie', 'Armoire de la Mairie']]],
      ['Église', [['cloches', 'Cloches']]],
      ['Autres équipements', [['heating-ecole', 'Chaufferie de l’école']]],
    ]);
    expect(view.timeZone).toBe('Europe/Paris');
  });

  it('shows circuits in order with command and feedback agreement and the dimming level', () => {
    const [cabinet] = view.sites[0]?.equipment ?? [];
    expect(cabinet?.circuits).toEqual([
      {
        index: '2',
        name: 'Départ 2',
        outputKey: 'cabinet-mairie:circuit.2.command',
        command: true,
        feedback: true,
        agree: true,
        level: { value: 60, unit: '%' },
      },
      {
        index: '10',
        name: 'Départ 10',
        outputKey: 'cabinet-mairie:circuit.10.command',
        command: true,
        feedback: false,
        agree: false,
        level: undefined,
      },
    ]);
  });

  it("highlights faults: an offline unit with its reason, the profile's alarm points that are on, open alarms only", () => {
    const [cabinet] = view.sites[0]?.equipment ?? [];
    const [bells] = view.sites[1]?.equipment ?? [];
    expect(cabinet?.faults).toEqual(['Porte de l’armoire ouverte']);
    expect(cabinet?.alarms).toBe(0);
    expect([bells?.online, bells?.offlineReason, bells?.alarms]).toEqual([
      false,
      'connexion au bus belfry en cours',
      1,
    ]);
    expect(bells?.bells).toEqual([
      { index: '1', name: 'Cloche 1', outputKey: 'cloches:bell.1.swing', running: undefined },
    ]);
    expect(view.alarms).toBe(1);
  });

  it('shows heating zones with temperature, setpoint and mode, with their units', () => {
    expect(view.sites[2]?.equipment[0]?.zones).toEqual([
      {
        index: '1',
        name: 'Zone 1',
        outputKey: 'heating-ecole:zone.1.mode',
        temperature: { value: 17.5, unit: '°C' },
        setpoint: { value: 16, unit: '°C' },
        mode: 'eco',
        heating: false,
      },
    ]);
  });

  it('applies a live value to its point only', () => {
    const updated = withPointValue(equipment, {
      pointKey: 'cabinet-mairie:circuit.10.feedback',
      value: true,
      quality: { status: 'good' },
      receivedAt: '2026-12-03T10:00:05.000Z',
    });
    const [cabinet] = gatewayView(gateway, updated, []).sites[0]?.equipment ?? [];
    expect(cabinet?.circuits.map((c) => c.agree)).toEqual([true, true]);
    expect(updated[1]).toBe(equipment[1]);
  });
});

describe('why an equipment is offline, in French', () => {
  it("words each state the gateway reports, on its bus, instead of the gateway's English", () => {
    const reason = 'bus rs485 is …';
    expect(
      ['bus-connecting', 'bus-disconnected', 'bus-not-started', 'not-answering'].map((state) =>
        offlineReason({ reason, state, bus: 'rs485' }),
      ),
    ).toEqual([
      'connexion au bus rs485 en cours',
      'bus rs485 déconnecté',
      'bus rs485 pas encore démarré',
      'ne répond pas sur le bus rs485',
    ]);
  });

  it("keeps the gateway's words for a state it does not know, or a gateway that reports none", () => {
    expect(offlineReason({ reason: 'bus b is rebooting', state: 'bus-rebooting', bus: 'b' })).toBe(
      'bus b is rebooting',
    );
    expect(offlineReason({ reason: 'bus b is connecting' })).toBe('bus b is connecting');
  });
});

describe('alarms in three groups', () => {
  it('splits active, acknowledged and cleared, the most severe and most recent first', () => {
    const groups = groupAlarms([
      alarm(1, 'a', { severity: 'warning', raisedAt: '2026-12-03T09:00:00.000Z' }),
      alarm(2, 'b', { severity: 'critical', raisedAt: '2026-12-03T08:00:00.000Z' }),
      alarm(3, 'c', { severity: 'warning', raisedAt: '2026-12-03T09:30:00.000Z' }),
      alarm(4, 'd', { acknowledgedAt: at, acknowledgedBy: 'agent@02691' }),
      alarm(5, 'e', { state: 'cleared', clearedAt: at }),
    ]);
    expect([groups.active, groups.acknowledged, groups.cleared].map((g) => g.map((a) => a.id))).toEqual([
      [2, 3, 1],
      [4],
      [5],
    ]);
  });
});
