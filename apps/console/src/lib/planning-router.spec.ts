import { pageOf, pathOf } from './router';

describe('the addresses of the Planning screen', () => {
  it('reads and writes the planning of a commune and one schedule of a gateway', () => {
    expect(pageOf('/communes/02691/planning')).toEqual({ name: 'planning', insee: '02691' });
    const schedule = pageOf('/communes/02691/planning/gw-saint-quentin-centre/eclairage-hotel-de-ville');
    expect(schedule).toEqual({
      name: 'schedule',
      insee: '02691',
      gatewayId: 'gw-saint-quentin-centre',
      scheduleId: 'eclairage-hotel-de-ville',
    });
    expect(pathOf(schedule)).toBe('/communes/02691/planning/gw-saint-quentin-centre/eclairage-hotel-de-ville');
    expect(pathOf({ name: 'planning', insee: '02691' })).toBe('/communes/02691/planning');
    expect(pageOf('/communes/02691/planning/gw-saint-quentin-centre')).toEqual({ name: 'not-found' });
  });
});
