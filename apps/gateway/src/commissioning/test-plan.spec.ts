import { resolve } from 'node:path';
import type { Profile } from '@beffroi/domain';
import { loadProfiles } from '../gateway.config';
import { type PlannedStep, planEquipmentTest, setpointTestValue } from './test-plan';

const profiles = loadProfiles(resolve(__dirname, '..', '..', '..', '..', 'config', 'profiles'));

function profile(id: string): Profile {
  const found = profiles.get(id);
  if (found === undefined) throw new Error(`no profile ${id}`);
  return found;
}

const summary = (steps: PlannedStep[]) => steps.map((step) => `${step.kind} ${step.key}`);

describe('planEquipmentTest', () => {
  it('tests each circuit against its feedback, then provokes each alarm input, not the selector', () => {
    const steps = planEquipmentTest('armoire', profile('beffroi-sim-cabinet'), { alarms: true });
    expect(summary(steps)).toEqual([
      'circuit armoire:circuit.1.command',
      'circuit armoire:circuit.2.command',
      'circuit armoire:circuit.3.command',
      'circuit armoire:circuit.4.command',
      'alarm armoire:door.open',
      'alarm armoire:breaker.tripped',
      'alarm armoire:earth_leakage',
    ]);
    expect(steps[0]).toMatchObject({ feedbackKey: 'armoire:circuit.1.feedback', feedbackDelayMs: 1000 });
    expect(steps[4]).toMatchObject({ when: true });
    expect(steps[4]?.kind === 'alarm' ? steps[4].prompt : '').toContain("« Porte de l'armoire ouverte »");
  });

  it('leaves the alarm checks out when asked', () => {
    const steps = planEquipmentTest('armoire', profile('beffroi-sim-cabinet'), { alarms: false });
    expect(steps.every((step) => step.kind === 'circuit')).toBe(true);
  });

  it('strikes each bell once, counted by its strike counter; never swings one', () => {
    const steps = planEquipmentTest('cloches', profile('beffroi-sim-bells'), { alarms: true });
    expect(summary(steps)).toEqual([
      'strike cloches:bell.1.strike',
      'strike cloches:bell.2.strike',
      'strike cloches:bell.3.strike',
    ]);
    expect(steps[1]).toMatchObject({ bell: 2, counterKey: 'cloches:bell.2.strike_count', timeoutMs: 3000 });
  });

  it('writes the setpoints whose accepted values are known: heating modes and temperatures', () => {
    const steps = planEquipmentTest('chauffage', profile('beffroi-sim-heating'), { alarms: true });
    expect(steps.filter((step) => step.kind === 'setpoint').map((step) => step.key)).toContain(
      'chauffage:zone.1.comfort_setpoint',
    );
    expect(steps.some((step) => step.kind === 'circuit')).toBe(false);
  });
});

describe('setpointTestValue', () => {
  const temperature = { kind: 'setpoint', key: 'z', name: 'z', range: { min: 5, max: 30 } } as const;
  const mode = { kind: 'setpoint', key: 'm', name: 'm', values: ['comfort', 'eco', 'frost'] } as const;

  it('moves a temperature one unit, down at the top of its range, to the middle when unread', () => {
    expect(setpointTestValue(temperature, 19)).toBe(20);
    expect(setpointTestValue(temperature, 30)).toBe(29);
    expect(setpointTestValue(temperature, null)).toBe(18);
  });

  it('takes the next allowed value of a list', () => {
    expect(setpointTestValue({ ...mode, values: [...mode.values] }, 'eco')).toBe('frost');
    expect(setpointTestValue({ ...mode, values: [...mode.values] }, 'frost')).toBe('comfort');
    expect(setpointTestValue({ ...mode, values: [...mode.values] }, null)).toBe('comfort');
  });
});
