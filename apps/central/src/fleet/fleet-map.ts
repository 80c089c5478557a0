import type { MapSite } from '@beffroi/api';
import type { CatalogueEquipment } from '@beffroi/sync';

/** What the map needs of one gateway: its commune, its state, and what it reported (health, catalogue). */
export interface MapGateway {
  readonly id: string;
  readonly commune: string;
  readonly communeName: string;
  readonly online: boolean;
  readonly openAlarms: number;
  /** Its last health report as stored, read leniently: a site whose coordinates are unusable is still listed. */
  readonly health: unknown;
  readonly catalogue: readonly CatalogueEquipment[] | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A latitude or longitude within ±`limit` degrees, else null. */
function coordinate(value: unknown, limit: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/**
 * The sites of one gateway on the map: each site of its health report with its coordinates (null when missing or out
 * of range), then each site its catalogue's equipment names but its health does not describe (no coordinates), and,
 * for a gateway that reported no site at all, one entry for the gateway itself, so that no gateway is missing from the
 * list beside the map.
 */
export function mapSitesOf(gateway: MapGateway): MapSite[] {
  const state = !gateway.online ? 'offline' : gateway.openAlarms > 0 ? 'alarm' : 'online';
  const common = {
    commune: gateway.commune,
    communeName: gateway.communeName,
    gatewayId: gateway.id,
    state,
    alarms: gateway.openAlarms,
  } as const;
  const reported = isRecord(gateway.health) && Array.isArray(gateway.health.sites) ? gateway.health.sites : [];
  const sites: MapSite[] = reported.filter(isRecord).map((site) => {
    const siteId = typeof site.id === 'string' ? site.id : null;
    return {
      ...common,
      siteId,
      name: typeof site.name === 'string' ? site.name : (siteId ?? gateway.id),
      latitude: coordinate(site.latitude, 90),
      longitude: coordinate(site.longitude, 180),
    };
  });
  const known = new Set(sites.map((s) => s.siteId));
  const named = [...new Set((gateway.catalogue ?? []).flatMap((e) => (e.site === undefined ? [] : [e.site])))];
  for (const siteId of named.filter((id) => !known.has(id))) {
    sites.push({ ...common, siteId, name: siteId, latitude: null, longitude: null });
  }
  if (sites.length === 0) sites.push({ ...common, siteId: null, name: gateway.id, latitude: null, longitude: null });
  return sites;
}
