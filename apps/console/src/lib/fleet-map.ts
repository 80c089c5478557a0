import type { MapSite, MapSiteState } from '@beffroi/api';

/** One site of the map's list, and of the map when its coordinates are usable. */
export interface MapRow {
  readonly key: string;
  readonly site: MapSite;
  /** Where to put its marker; undefined when its coordinates are missing or out of range ("coordonnées invalides"). */
  readonly at: { readonly latitude: number; readonly longitude: number } | undefined;
}

function within(value: number | null, limit: number): value is number {
  return value !== null && Number.isFinite(value) && Math.abs(value) <= limit;
}

const STATE_ORDER: Readonly<Record<MapSiteState, number>> = { offline: 0, alarm: 1, online: 2 };

/**
 * The rows of the map's list, offline first, then in alarm, then online, each by commune and name; a row has a place
 * on the map only when both its coordinates are numbers within range. The map and the list are built from these
 * rows, so they always show the same sites.
 */
export function mapRows(sites: readonly MapSite[]): MapRow[] {
  return sites
    .map((site) => ({
      key: `${site.gatewayId}/${site.siteId ?? ''}`,
      site,
      at:
        within(site.latitude, 90) && within(site.longitude, 180)
          ? { latitude: site.latitude, longitude: site.longitude }
          : undefined,
    }))
    .sort(
      (a, b) =>
        STATE_ORDER[a.site.state] - STATE_ORDER[b.site.state] ||
        a.site.communeName.localeCompare(b.site.communeName, 'fr') ||
        a.site.name.localeCompare(b.site.name, 'fr'),
    );
}

/** How many sites, how many on the map, how many with invalid coordinates. */
export function mapCounts(rows: readonly MapRow[]): { sites: number; placed: number; invalid: number } {
  const placed = rows.filter((row) => row.at !== undefined).length;
  return { sites: rows.length, placed, invalid: rows.length - placed };
}

/** The bounds around the placed rows (south-west, north-east); undefined when none is placed. */
export function mapBounds(rows: readonly MapRow[]): [[number, number], [number, number]] | undefined {
  const placed = rows.flatMap((row) => (row.at === undefined ? [] : [row.at]));
  if (placed.length === 0) return undefined;
  const latitudes = placed.map((p) => p.latitude);
  const longitudes = placed.map((p) => p.longitude);
  return [
    [Math.min(...latitudes), Math.min(...longitudes)],
    [Math.max(...latitudes), Math.max(...longitudes)],
  ];
}
