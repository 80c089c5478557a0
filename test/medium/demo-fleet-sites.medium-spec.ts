import type { FleetMap } from '@beffroi/api';
import { siteOf, startDemoFleet } from '../../tools/demo-fleet';
import { PASSWORD, startCentral } from '../support/central-harness';

/** `npm start -- --fleet N` shows a useful map: each demo gateway reports a site placed in its commune's department. */
describe('the demo fleet on the map', () => {
  it('reports one site per gateway, with coordinates inside its department, so the map places every one', async () => {
    const central = await startCentral();
    const fleet = await startDemoFleet(central.url, { login: 'admin@useda', password: PASSWORD }, 12, () => undefined);
    try {
      const admin = await central.login('admin@useda');
      const map = (await central.api(admin, 'GET', '/api/fleet/map')).body as FleetMap;
      const demo = map.sites.filter((s) => s.gatewayId.startsWith('gw-demo-'));
      expect(demo).toHaveLength(12);
      for (const site of demo) {
        expect(site).toMatchObject({ siteId: 'centre', name: `Mairie de ${site.communeName}` });
        expect(site.latitude).not.toBeNull();
        expect(site.longitude).not.toBeNull();
      }
      // The Aisne spans 48.84–50.07° N, 2.96–4.25° E.
      const aisne = demo.filter((s) => s.commune.startsWith('02'));
      expect(aisne.length).toBeGreaterThan(0);
      for (const site of aisne) {
        expect(site.latitude).toBeGreaterThanOrEqual(48.84);
        expect(site.latitude).toBeLessThanOrEqual(50.07);
        expect(site.longitude).toBeGreaterThanOrEqual(2.96);
        expect(site.longitude).toBeLessThanOrEqual(4.25);
      }
      expect(new Set(demo.map((s) => `${String(s.latitude)},${String(s.longitude)}`)).size).toBe(12);
    } finally {
      fleet.close();
      await central.close();
    }
  });

  it('places a commune at the same spot on every run', () => {
    expect(siteOf('02408', 'Laon')).toEqual(siteOf('02408', 'Laon'));
    expect(siteOf('02408', 'Laon')).not.toEqual(siteOf('02691', 'Saint-Quentin'));
  });
});
