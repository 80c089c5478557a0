/**
 * The part of the contract "Ma commune" needs before its schemas: the kinds of live updates and the paths the first
 * screen asks for. No zod here: the console's entry script imports this module alone, and loads the schemas (most of
 * the contract's weight) in a chunk of their own once the first screen is shown, to check the answers it already has.
 * `routes.ts` and `events.ts` take these values from here, so the two cannot drift apart.
 */

/** The kinds of live updates central sends on `GET /api/events` (Server-Sent Events). */
export const LIVE_EVENT_TYPES = [
  'point',
  'output',
  'switching',
  'alarm',
  'command',
  'gateway',
  'desired',
  'push',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** `GET`: "Ma commune" in one answer (the route `communeOverview`). */
export const COMMUNE_OVERVIEW_PATH = '/api/communes/{insee}/overview';

/** `GET`: the syndicate's fleet (the route `fleet`), which the Parc asks for before the schemas have arrived. */
export const FLEET_PATH = '/api/fleet';

/**
 * `GET`: whether central is up and runs a demonstration (the route `health`), which every page asks for at start for
 * the demonstration banner without loading the schemas for it.
 */
export const HEALTH_PATH = '/health';

/** `GET`: the live updates (the route `events`). */
export const EVENTS_PATH = '/api/events';

/** A path as OpenAPI writes it with each `{name}` replaced by its parameter, URI-encoded. */
export function fillPath(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: missing parameter ${name}`);
    return encodeURIComponent(value);
  });
}
