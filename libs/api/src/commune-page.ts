import { z } from 'zod';
import { alarm, commune, equipmentCatalogue } from './schemas';

/**
 * `GET /api/communes/{insee}/overview`: what "Ma commune" shows, in one answer (one round trip on a slow network
 * instead of three in a row): the commune with its gateways, each gateway's catalogue with live values (null for a
 * gateway that has not reported one yet), and the commune's alarms (open ones and the latest others, newest first).
 */
export const communeOverview = z.looseObject({
  commune,
  catalogues: z.record(z.string(), equipmentCatalogue.nullable()),
  alarms: z.array(alarm),
});
export type CommuneOverview = z.output<typeof communeOverview>;
