import type { Account, FleetCommune, PushEvent, PushProgress, PushStatus } from '@beffroi/api';

/** The syndicate's pages (Parc, Modèles, Diffusions) are for syndicate accounts only, never a commune's. */
export function isSyndicateAccount(account: Account): boolean {
  return account.communeInsee === null && account.syndicateId !== null;
}

export const FLEET_FILTERS = ['all', 'offline', 'alarm', 'outdated'] as const;
export type FleetFilter = (typeof FLEET_FILTERS)[number];
export const FLEET_SORTS = ['name', 'insee', 'alarms', 'lastSeen'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export interface FleetQuery {
  /** Part of a commune's name or INSEE code, or of a gateway id; case and accents ignored. */
  readonly search: string;
  readonly filter: FleetFilter;
  readonly sort: FleetSort;
}

/** Lower case without accents, so "soissons" finds "Soissons" and "epine" finds "L'Épine". */
function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

function openAlarms(commune: FleetCommune): number {
  return commune.alarms.info + commune.alarms.warning + commune.alarms.critical;
}

/** The oldest last contact of the commune's gateways (the one to worry about); undefined without any. */
function oldestContact(commune: FleetCommune): string | undefined {
  return commune.gateways
    .map((g) => g.lastSeenAt ?? '')
    .sort()
    .at(0);
}

/** French order of names, by one collator: a thousand names sort about a fifth faster than by `localeCompare(…, 'fr')`. */
const frenchOrder = new Intl.Collator('fr');

/** The communes of the fleet that match the search and the filter, in the order asked. */
export function fleetView(communes: readonly FleetCommune[], query: FleetQuery): FleetCommune[] {
  const search = folded(query.search.trim());
  const matches = communes.filter((commune) => {
    if (
      search !== '' &&
      !folded(commune.name).includes(search) &&
      !commune.insee.includes(search) &&
      !commune.gateways.some((g) => g.id.includes(search))
    ) {
      return false;
    }
    switch (query.filter) {
      case 'all':
        return true;
      case 'offline':
        return commune.gateways.some((g) => !g.online);
      case 'alarm':
        return openAlarms(commune) > 0;
      case 'outdated':
        return commune.gateways.some((g) => !g.upToDate);
    }
  });
  const byName = (a: FleetCommune, b: FleetCommune) => frenchOrder.compare(a.name, b.name);
  const compare: Record<FleetSort, (a: FleetCommune, b: FleetCommune) => number> = {
    name: byName,
    insee: (a, b) => a.insee.localeCompare(b.insee),
    alarms: (a, b) => b.alarms.critical - a.alarms.critical || openAlarms(b) - openAlarms(a) || byName(a, b),
    lastSeen: (a, b) => (oldestContact(a) ?? '￿').localeCompare(oldestContact(b) ?? '￿') || byName(a, b),
  };
  return [...matches].sort(compare[query.sort]);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Whether the fleet's answer, before the contract has checked it, can be shown: a list of communes each with a name,
 * an INSEE code, alarm counts and a list of gateways, each with an id. What the Parc reads to sort, filter and draw its
 * rows must be there for it not to throw; the contract's full check follows and has the last word. A cheap walk over
 * a thousand communes, not the check itself.
 */
export function fleetShowable(json: unknown): json is FleetCommune[] {
  return (
    Array.isArray(json) &&
    json.every(
      (commune: unknown) =>
        isRecord(commune) &&
        typeof commune.insee === 'string' &&
        typeof commune.name === 'string' &&
        isRecord(commune.alarms) &&
        Array.isArray(commune.gateways) &&
        commune.gateways.every((gateway: unknown) => isRecord(gateway) && typeof gateway.id === 'string'),
    )
  );
}

/**
 * The Parc's rows have fixed heights, in pixels, so that the page knows where every row of a thousand sits without
 * rendering it (lib/row-window.ts): a row is its padding and border, then two lines of text per gateway (its state and
 * id, then its last contact, version, clock and software), at least two (the commune's name and INSEE code).
 */
export const FLEET_LINE_PX = 24;
const FLEET_ROW_CHROME_PX = 13;
/** The height of a row with one gateway or none, the shortest. */
export const FLEET_ROW_MIN_PX = FLEET_ROW_CHROME_PX + 2 * FLEET_LINE_PX;

/** The height of a commune's row in the Parc, in pixels. */
export function fleetRowHeight(commune: FleetCommune): number {
  return FLEET_ROW_CHROME_PX + 2 * FLEET_LINE_PX * Math.max(1, commune.gateways.length);
}

/** Counts for the fleet's heading: communes, gateways, those offline, in alarm, out of date. */
export function fleetCounts(communes: readonly FleetCommune[]) {
  const gateways = communes.flatMap((c) => c.gateways);
  return {
    communes: communes.length,
    gateways: gateways.length,
    offline: gateways.filter((g) => !g.online).length,
    alarm: communes.filter((c) => openAlarms(c) > 0).length,
    outdated: gateways.filter((g) => !g.upToDate).length,
  };
}

/**
 * The progress of a push with a live `push` event applied: the target of that gateway takes the event's state; the
 * summary is counted again. An event of another push leaves it as it is.
 */
export function applyPushEvent(progress: PushProgress, event: PushEvent): PushProgress {
  if (event.pushId !== progress.id) return progress;
  const targets = progress.targets.map((t) =>
    t.gatewayId === event.gatewayId && t.commune === event.commune
      ? { ...t, status: event.status, version: event.version, reason: event.reason, bound: event.bound }
      : t,
  );
  const summary = Object.fromEntries(
    Object.keys(progress.summary).map((status) => [status, targets.filter((t) => t.status === status).length]),
  ) as Record<PushStatus, number>;
  return { ...progress, targets, summary };
}

/** A retry is offered while some target is refused, offline or bound nothing. */
export function mayRetry(progress: PushProgress): boolean {
  return progress.targets.some((t) => t.status === 'refused' || t.status === 'offline' || t.status === 'no-output');
}

/** The INSEE codes of a hand-picked list as typed: separated by spaces, commas or new lines. */
export function inseeList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim().toUpperCase())
    .filter((part) => part !== '');
}
