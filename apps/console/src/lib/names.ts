import { fr } from '../i18n/fr';

/**
 * Display names. The console shows the names of the gateway's catalogue (`GET /api/gateways/:id/equipment`): the
 * equipment's name from the gateway's config, each point's from its profile. A name is derived from the id only
 * for what the catalogue leaves unnamed (a profile point without `name`, an equipment without `name`), and for the
 * output page, which names its output from the key.
 */

/** The catalogue's name of an equipment, or one derived from its id when the catalogue gives none. */
export function equipmentLabel(equipment: { readonly id: string; readonly name?: string | undefined }): string {
  return equipment.name ?? equipmentName(equipment.id);
}

/** The catalogue's name of a point (`Départ 4 — commande contacteur`), or one derived from its id. */
export function pointLabel(point: { readonly id: string; readonly name?: string | undefined }): string {
  return point.name ?? pointName(point.id);
}

/** What a point belongs to, the part of its name before " — ": `Départ 4`, `Zone 1`, `Cloche 2`. */
export function groupLabel(point: { readonly id: string; readonly name?: string | undefined }): string {
  const name = pointLabel(point);
  const dash = name.indexOf(' — ');
  return dash < 0 ? name : name.slice(0, dash);
}

const KIND_PREFIXES = Object.keys(fr.names.equipment);

/** `cabinet-hotel-de-ville` → `Armoire hotel de ville`; an id of no known kind is shown with spaces. */
export function equipmentName(equipmentId: string): string {
  const [prefix = '', ...rest] = equipmentId.split('-');
  const kind = KIND_PREFIXES.includes(prefix) ? fr.names.equipment[prefix] : undefined;
  const place = (kind === undefined ? [prefix, ...rest] : rest).join(' ');
  if (kind === undefined) return capitalise(place);
  return place === '' ? kind : `${kind} ${place}`;
}

/** The site of an equipment: the site whose id ends its id (`bells-basilique` → `basilique`), if any. */
export function siteOf(equipmentId: string, siteIds: readonly string[]): string | undefined {
  return [...siteIds]
    .sort((a, b) => b.length - a.length)
    .find((site) => equipmentId === site || equipmentId.endsWith(`-${site}`));
}

/** `circuit.4.command` → `Circuit 4`, `bell.2.swing` → `Cloche 2 — volée`, `zone.1.mode` → `Zone 1 — mode`. */
export function pointName(pointId: string): string {
  const [group = '', index, ...rest] = pointId.split('.');
  const what = rest.join('.');
  const label = fr.names.points[what] ?? what.replaceAll('_', ' ');
  const numbered =
    group === 'circuit' && index !== undefined
      ? fr.names.circuit(index)
      : group === 'bell' && index !== undefined
        ? fr.names.bell(index)
        : group === 'zone' && index !== undefined
          ? fr.names.zone(index)
          : undefined;
  if (numbered === undefined) return capitalise(pointId.replaceAll(/[._]/g, ' '));
  return what === 'command' ? numbered : `${numbered} — ${label}`;
}

/** `cabinet-hotel-de-ville:circuit.4.command` → `{equipmentId, pointId}`. */
export function splitKey(key: string): { equipmentId: string; pointId: string } {
  const at = key.indexOf(':');
  return at < 0 ? { equipmentId: '', pointId: key } : { equipmentId: key.slice(0, at), pointId: key.slice(at + 1) };
}

/** The full name of an output: `Armoire hotel de ville — Circuit 4`. */
export function outputName(key: string): string {
  const { equipmentId, pointId } = splitKey(key);
  return `${equipmentName(equipmentId)} — ${pointName(pointId)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
