import type { GatewaySchedule } from '@beffroi/api';
import { advanceVersions, mayEditSchedules, scheduleStatus, siteOfSchedule, statusText } from './planning-status';

const fromConfig: GatewaySchedule = {
  id: 'eclairage-hotel-de-ville',
  kind: 'lighting',
  targets: { outputs: ['cabinet-hotel-de-ville:circuit.1.command'] },
  document: {},
  source: 'config',
  replacedBy: null,
};
const desired: GatewaySchedule = { ...fromConfig, source: 'central', state: 'pending', reason: null };

describe('where a schedule stands', () => {
  it('is run from the config, pending until the gateway runs the saved version, then applied', () => {
    expect(scheduleStatus(fromConfig, undefined, undefined)).toBe('config');
    expect(scheduleStatus(desired, { desired: 4, applied: 3 }, 4)).toBe('pending');
    expect(statusText('pending')).toBe('en attente');
    const after = advanceVersions({ desired: 4, applied: 3 }, { gatewayId: 'gw', appliedVersion: 4 });
    expect(scheduleStatus(desired, after, 4)).toBe('applied');
    expect(statusText('applied')).toBe('appliqué par la passerelle');
  });

  it('is pending after going back to the config until the gateway runs that version', () => {
    expect(scheduleStatus(fromConfig, { desired: 5, applied: 4 }, 5)).toBe('pending');
    expect(scheduleStatus(fromConfig, { desired: 5, applied: 5 }, 5)).toBe('config');
  });

  it('stays refused when the gateway refused it, and ignores events that apply nothing newer', () => {
    expect(scheduleStatus({ ...desired, state: 'refused' }, { desired: 4, applied: 4 }, 4)).toBe('refused');
    const versions = { desired: 4, applied: 4 };
    expect(advanceVersions(versions, { gatewayId: 'gw', resultVersion: 4 })).toBe(versions);
    expect(advanceVersions(versions, { gatewayId: 'gw', appliedVersion: 2 })).toBe(versions);
  });
});

describe('the site a schedule runs at', () => {
  const sites = [{ id: 'basilique' }, { id: 'hotel-de-ville' }];
  it('is its own site, else that of its equipment, else the first', () => {
    expect(siteOfSchedule(fromConfig, sites)).toEqual({ id: 'hotel-de-ville' });
    expect(siteOfSchedule({ ...fromConfig, targets: { ...fromConfig.targets, site: 'basilique' } }, sites)).toEqual({
      id: 'basilique',
    });
    expect(siteOfSchedule({ ...fromConfig, targets: { outputs: ['armoire-x:circuit.1.command'] } }, sites)).toEqual({
      id: 'basilique',
    });
  });
});

describe('who may edit schedules', () => {
  it('is a syndicate admin or commune staff, as central says; a field engineer and a reader only see them', () => {
    const account = (role: 'syndicate-admin' | 'commune-staff' | 'field-engineer' | 'read-only') => ({
      accountId: 1,
      login: 'x',
      role,
      syndicateId: null,
      communeInsee: '02691',
    });
    expect(
      (['syndicate-admin', 'commune-staff', 'field-engineer', 'read-only'] as const).map((role) =>
        mayEditSchedules(account(role)),
      ),
    ).toEqual([true, true, false, false]);
  });
});
