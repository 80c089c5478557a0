import { z } from 'zod';
import { ianaTimeZone, identifier, nonEmptyText, numberIn } from './common.schema';

/** A place with equipment: a cabinet, a church, the salle des fêtes. */
export const siteSchema = z.strictObject({
  id: identifier,
  name: nonEmptyText,
  latitude: numberIn(-90, 90, '°'),
  longitude: numberIn(-180, 180, '°'),
  /** Metres above sea level; lowers the horizon for sun events. */
  altitude: numberIn(-500, 9000, ' m').default(0),
  timeZone: ianaTimeZone,
});
export type Site = z.output<typeof siteSchema>;
