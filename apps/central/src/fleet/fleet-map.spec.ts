import { type MapGateway, mapSitesOf } from './fleet-map';

const GATEWAY: MapGateway = {
  id: 'gw-a',
  commune: '02691',
  communeName: 'Saint-Quentin',
  online: true,
  openAlarms: 0,
  health: null,
  catalogue: undefined,
};
const site = (id: string, latitude: unknown, longitude: unknown) => ({ id, name: `Site ${id}`, latitude, longitude });

describe('mapSitesOf', () => {
  it('places each reported site at its coordinates, coloured by the state of its gateway', () => {
    const health = { sites: [site('mairie', 49.8467, 3.2874)] };
    expect(mapSitesOf({ ...GATEWAY, health })).toEqual([
      {
        commune: '02691',
        communeName: 'Saint-Quentin',
        gatewayId: 'gw-a',
        siteId: 'mairie',
        name: 'Site mairie',
        latitude: 49.8467,
        longitude: 3.2874,
        state: 'online',
        alarms: 0,
      },
    ]);
    expect(mapSitesOf({ ...GATEWAY, health, openAlarms: 2 })[0]?.state).toBe('alarm');
    expect(mapSitesOf({ ...GATEWAY, health, openAlarms: 2, online: false })[0]?.state).toBe('offline');
  });

  it('keeps a site with missing or out-of-range coordinates, without them', () => {
    const health = {
      sites: [site('a', 91, 3), site('b', 49, -181), site('c', undefined, 3), site('d', Number.NaN, 3)],
    };
    expect(mapSitesOf({ ...GATEWAY, health }).map((s) => [s.siteId, s.latitude, s.longitude])).toEqual([
      ['a', null, 3],
      ['b', 49, null],
      ['c', null, 3],
      ['d', null, 3],
    ]);
  });

  it("lists a site the catalogue's equipment names but the health does not describe, and a gateway without sites", () => {
    const catalogue = [
      { id: 'armoire', profile: 'p', site: 'stade', points: [] },
      { id: 'cloches', profile: 'p', site: 'mairie', points: [] },
    ];
    const health = { sites: [site('mairie', 49.8467, 3.2874)] };
    expect(mapSitesOf({ ...GATEWAY, health, catalogue }).map((s) => [s.siteId, s.latitude])).toEqual([
      ['mairie', 49.8467],
      ['stade', null],
    ]);
    expect(mapSitesOf(GATEWAY).map((s) => [s.siteId, s.name, s.latitude, s.longitude])).toEqual([
      [null, 'gw-a', null, null],
    ]);
  });
});
