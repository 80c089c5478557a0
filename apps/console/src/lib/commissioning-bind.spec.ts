import {
  bindFormOf,
  bindPrefillOf,
  bindRequestOf,
  fieldOfProblem,
  problemsByField,
  suggestedBusId,
  targetRequestOf,
} from './bind-form';
import { emptyReportForm, measureOf, reportFieldOfProblem, reportRequestOf } from './report-form';
import { awaitingStep, latencyText, lockoutsOf, runEnded } from './test-run-view';

describe('"Raccorder": the device a scan found', () => {
  const cabinet = {
    unit: 1,
    answer: 'data' as const,
    profiles: [{ profileId: 'beffroi-sim-cabinet', name: 'Armoire simulée', matched: [] }],
  };

  it('opens with the scan’s host, port, unit and proposed profile, on a new bus named after the port', () => {
    const prefill = bindPrefillOf({ kind: 'tcp', host: '127.0.0.1', port: 1502, units: '1-4' }, cabinet);
    expect(prefill).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: '1502',
      unit: '1',
      profile: 'beffroi-sim-cabinet',
    });
    const form = bindFormOf(prefill, ['street']);
    expect(form).toMatchObject({ busMode: 'new', busId: 'tcp-127-0-0-1-1502', host: '127.0.0.1', tcpPort: '1502' });
    expect(targetRequestOf(form)).toEqual({
      ok: true,
      request: {
        bus: { id: 'tcp-127-0-0-1-1502', protocol: 'modbus-tcp', host: '127.0.0.1', port: 1502 },
        unit: 1,
        profile: 'beffroi-sim-cabinet',
      },
    });
  });

  it('puts the second device of the same port on the bus the first one created', () => {
    const prefill = bindPrefillOf({ kind: 'tcp', host: '127.0.0.1', port: 1502 }, { ...cabinet, unit: 3 });
    const form = bindFormOf(prefill, ['street', 'tcp-127-0-0-1-1502']);
    expect([form.busMode, form.existingBus]).toEqual(['existing', 'tcp-127-0-0-1-1502']);
    expect(targetRequestOf(form)).toMatchObject({ ok: true, request: { bus: 'tcp-127-0-0-1-1502', unit: 3 } });
  });

  it('opens an RTU device on its serial port at the line settings it answered at', () => {
    const unit = { ...cabinet, unit: 5, line: { baudRate: 9600, parity: 'none' as const, dataBits: 8, stopBits: 1 } };
    const prefill = bindPrefillOf({ kind: 'rtu', port: '/dev/ttyUSB1' }, unit);
    expect(suggestedBusId(prefill)).toBe('rtu-ttyusb1');
    expect(targetRequestOf(bindFormOf(prefill, []))).toEqual({
      ok: true,
      request: {
        bus: { id: 'rtu-ttyusb1', protocol: 'modbus-rtu', path: '/dev/ttyUSB1', baudRate: 9600, parity: 'none' },
        unit: 5,
        profile: 'beffroi-sim-cabinet',
      },
    });
  });

  it('names every field that is wrong before asking the gateway', () => {
    const form = { ...bindFormOf({}, []), busId: 'Bus Neuf', host: '', unit: '300', profile: '' };
    expect(targetRequestOf(form)).toEqual({ ok: false, fields: ['busId', 'host', 'unit', 'profile'] });
    const named = { ...bindFormOf({ kind: 'tcp', host: 'h', unit: '1', profile: 'p' }, []), id: 'Armoire' };
    named.tags = { 'circuit.1.command': 'Éclairage' };
    expect(bindRequestOf(named, false)).toEqual({ ok: false, fields: ['id', 'tags'] });
  });

  it('binds with the name, the site and the tags typed, forced only when asked', () => {
    const form = { ...bindFormOf({ kind: 'tcp', host: 'h', port: '502', unit: '1', profile: 'p' }, []) };
    form.id = ' armoire-place ';
    form.name = 'Armoire de la place';
    form.site = 'mairie';
    form.tags = { 'circuit.1.command': 'eclairage-voirie, rue, rue', 'circuit.2.command': ' ' };
    expect(bindRequestOf(form, true)).toEqual({
      ok: true,
      request: {
        id: 'armoire-place',
        name: 'Armoire de la place',
        site: 'mairie',
        tags: { 'circuit.1.command': ['eclairage-voirie', 'rue'] },
        bus: { id: 'tcp-h-502', protocol: 'modbus-tcp', host: 'h', port: 502 },
        unit: 1,
        profile: 'p',
        force: true,
      },
    });
    expect(bindRequestOf({ ...form, tags: {} }, false)).toMatchObject({ ok: true, request: { id: 'armoire-place' } });
    const unforced = bindRequestOf(form, false);
    expect(unforced.ok && Object.keys(unforced.request).includes('force')).toBe(false);
  });

  it('shows each problem of the gateway next to the field it names', () => {
    expect(
      ['unit', 'bus.port', 'bus.baudRate', 'id', 'site', 'tags.circuit.1.command.0', 'buses.2.id'].map((path) =>
        fieldOfProblem(path, 'new'),
      ),
    ).toEqual(['unit', 'tcpPort', 'baud', 'id', 'site', 'tags', undefined]);
    expect(fieldOfProblem('bus.port', 'existing')).toBe('bus');
    expect(
      problemsByField(
        [
          { path: 'unit', message: 'duplicate unit on this bus: 3' },
          { path: 'schedules.0.outputs.0', message: 'unknown output' },
        ],
        'existing',
      ),
    ).toEqual({
      byField: { unit: ['duplicate unit on this bus: 3'] },
      other: ['schedules.0.outputs.0 : unknown output'],
    });
  });
});

describe('"Essais": a run followed live', () => {
  const step = (index: number, state: 'passed' | 'awaiting') => ({
    index,
    equipment: 'cabinet',
    kind: 'alarm' as const,
    key: `cabinet:k${index}`,
    name: `étape ${index}`,
    state,
    latencyMs: {},
  });

  it('says the latencies in the engineer’s words', () => {
    expect(latencyText({ on: 212.4, off: 198 })).toBe('marche 212 ms · arrêt 198 ms');
    expect(latencyText({ readBack: 40, restore: 31, other: 2 })).toBe('relecture 40 ms · retour 31 ms · other 2 ms');
    expect(latencyText({})).toBe('');
  });

  it('finds the step the prompt awaits, and knows when the run has ended', () => {
    const run = { prompt: { step: 4, text: 'Provoquez…' }, steps: [step(3, 'passed'), step(4, 'awaiting')] };
    expect(awaitingStep(run)?.name).toBe('étape 4');
    expect(awaitingStep({ ...run, prompt: null })).toBeUndefined();
    expect([runEnded({ state: 'running' }), runEnded({ state: 'failed' }), runEnded({ state: 'aborted' })]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('shows the lock-out of each output of the equipment under test, and no other', () => {
    const outputs = [
      { key: 'cabinet:circuit.1.command', slot: 8, slotName: 'lockout', owner: 'tech@useda' },
      { key: 'cabinet:circuit.2.command', slot: 16, slotName: 'default' },
      { key: 'cabinet-2:circuit.1.command', slot: 8, slotName: 'lockout', owner: 'autre' },
    ];
    expect(lockoutsOf(outputs, ['cabinet'])).toEqual([
      { key: 'cabinet:circuit.1.command', locked: true, owner: 'tech@useda', slotName: 'lockout' },
      { key: 'cabinet:circuit.2.command', locked: false, owner: undefined, slotName: 'default' },
    ]);
  });
});

describe('the procès-verbal’s form', () => {
  it('reads measures typed with a French decimal comma, within 0..10000', () => {
    expect(['12,5', '250', ' 0.8 ', '-1', '10001', '1e3', ''].map(measureOf)).toEqual([
      12.5,
      250,
      0.8,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('asks the report route with the fields it requires, the representative only if named', () => {
    const form = { ...emptyReportForm(), insulation: '250', earth: '12,5', rcd: '28', engineer: ' Jeanne Dupont ' };
    expect(reportRequestOf('9f1c', form)).toEqual({
      ok: true,
      request: {
        run: '9f1c',
        fields: {
          insulationResistanceMOhm: 250,
          earthResistanceOhm: 12.5,
          rcdTripTimeMs: 28,
          remarks: '',
          engineer: 'Jeanne Dupont',
        },
      },
    });
    expect(reportRequestOf('', { ...emptyReportForm(), earth: 'douze' })).toEqual({
      ok: false,
      fields: ['run', 'insulation', 'earth', 'rcd', 'engineer'],
    });
    expect(['fields.earthResistanceOhm', 'run', 'fields'].map(reportFieldOfProblem)).toEqual([
      'earth',
      'run',
      undefined,
    ]);
  });
});
