import type * as Leaflet from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';

/**
 * Leaflet with its marker clusters, loaded on the map's first visit (its own chunk, never in the first visit's
 * budget), its stylesheets bundled. The clusters plugin extends the global `L`, so Leaflet is put there first.
 */
export async function loadLeaflet(): Promise<typeof Leaflet> {
  const leaflet = (await import('leaflet')).default;
  (globalThis as { L?: typeof Leaflet }).L = leaflet;
  await import('leaflet.markercluster');
  return leaflet;
}
