import type { MapSite } from '@beffroi/api';
import { mapBounds, mapCounts, mapRows } from './fleet-map';

function site(name: string, overrides: Partial<MapSite> = {}): MapSite {
  return {
    commune: '02691',
    communeName: 'Saint-Quentin',
    gatewayId: `gw-${name}`,
    siteId: name,
    name,
    latitude: 49.8,
    longitude: 3.3,
    state: 'online',
    alarms: 0,
    ...overrides,
  };
}

describe('the map of the fleet', () => {
  it('places a site only when both its coordinates are numbers within range, and lists every site', () => {
    const rows = mapRows([
      site('bon'),
      site('sans-latitude', { latitude: null }),
      site('trop-au-nord', { latitude: 95 }),
      site('trop-a-l-est', { longitude: 200 }),
      site('pas-un-nombre', { latitude: Number.NaN }),
    ]);
    expect(rows.map((r) => [r.site.name, r.at])).toEqual([
      ['bon', { latitude: 49.8, longitude: 3.3 }],
      ['pas-un-nombre', undefined],
      ['sans-latitude', undefined],
      ['trop-a-l-est', undefined],
      ['trop-au-nord', undefined],
    ]);
    expect(mapCounts(rows)).toEqual({ sites: 5, placed: 1, invalid: 4 });
  });

  it('lists the offline sites first, then those in alarm, then by commune and name', () => {
    const rows = mapRows([
      site('b'),
      site('a', { communeName: 'Laon', state: 'alarm' }),
      site('c', { state: 'offline' }),
      site('a'),
    ]);
    expect(rows.map((r) => [r.site.state, r.site.name])).toEqual([
      ['offline', 'c'],
      ['alarm', 'a'],
      ['online', 'a'],
      ['online', 'b'],
    ]);
  });

  it('bounds the placed sites, and has no bounds without any', () => {
    const rows = mapRows([site('a', { latitude: 49.5, longitude: 3.6 }), site('b'), site('x', { latitude: null })]);
    expect(mapBounds(rows)).toEqual([
      [49.5, 3.3],
      [49.8, 3.6],
    ]);
    expect(mapBounds(mapRows([site('x', { latitude: null })]))).toBeUndefined();
  });
});
