import { z } from 'zod';

/**
 * Energy reports (docs/energy.md): what a commune's cabinets and outputs, or the syndicate's communes, burned over a
 * month or any period of local days, with cost, kgCO2e and savings.
 */

const MONTH_ERROR = 'expected a month such as "2027-03"';
const DATE_ERROR = 'expected a local date such as "2027-03-01"';
const localDay = z.iso.date({ error: DATE_ERROR });

/**
 * `GET /api/communes/{insee}/energy` and `GET /api/energy` query: a month (`month=2027-03`) or a period of local days
 * (`from=2027-03-01&to=2027-03-15`, both included), at most 366 days.
 */
export const energyQuery = z
  .strictObject({
    month: z
      .string({ error: MONTH_ERROR })
      .regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, { error: MONTH_ERROR })
      .optional(),
    from: localDay.optional(),
    to: localDay.optional(),
  })
  .superRefine((query, context) => {
    const period = query.from !== undefined || query.to !== undefined;
    if (query.month !== undefined && period) {
      context.addIssue({ code: 'custom', path: ['month'], message: 'give either month or from and to, not both' });
    } else if (query.month === undefined && !period) {
      context.addIssue({ code: 'custom', path: ['month'], message: 'expected month=YYYY-MM, or from and to' });
    } else if (query.month === undefined && query.from === undefined) {
      context.addIssue({ code: 'custom', path: ['from'], message: 'expected the first day of the period (from)' });
    } else if (query.month === undefined && query.to === undefined) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'expected the last day of the period (to)' });
    } else if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'the period ends before it starts' });
    } else if (
      query.from !== undefined &&
      query.to !== undefined &&
      Date.parse(query.to) - Date.parse(query.from) > 365 * 86_400_000
    ) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'expected a period of at most 366 days' });
    }
  });
export type EnergyQuery = z.output<typeof energyQuery>;

export const ENERGY_SOURCES = ['metered', 'estimated', 'mixed', 'none'] as const;

/**
 * The figures of an output, a cabinet, a commune or the syndicate. `kwh` is `null` when nothing is known, and
 * always travels with its `source`; the dusk-to-dawn figures and `installedWatts` are `null` while installed power
 * is unknown (see `estimates`).
 */
export const energyFigures = z.looseObject({
  kwh: z.number().nullable(),
  source: z.enum(ENERGY_SOURCES),
  peakKwh: z.number(),
  offPeakKwh: z.number(),
  complete: z.boolean(),
  missingQuarters: z.number().int(),
  resets: z.number().int(),
  installedWatts: z.number().nullable(),
  burningHours: z.number(),
  switchOns: z.number().int(),
  cost: z.looseObject({ subscription: z.number(), energy: z.number(), total: z.number() }),
  kgCo2e: z.number(),
  duskToDawnKwh: z.number().nullable(),
  savingVsDuskToDawnKwh: z.number().nullable(),
  previousYearKwh: z.number().nullable(),
  previousYearSource: z.enum(ENERGY_SOURCES),
  savingVsPreviousYearKwh: z.number().nullable(),
});
export type EnergyFiguresDto = z.output<typeof energyFigures>;

export const energyOutput = z.looseObject({
  /** The output's point key on its gateway (`cabinet:circuit.1.command`). */
  pointKey: z.string(),
  name: z.string(),
  figures: energyFigures,
});

export const energyCabinet = z.looseObject({
  gatewayId: z.string(),
  equipmentId: z.string(),
  name: z.string(),
  /** The cabinet's kWh counter, or null when it has none. */
  meterKey: z.string().nullable(),
  figures: energyFigures,
  outputs: z.array(energyOutput),
});

export const energyCommune = z.looseObject({
  insee: z.string(),
  name: z.string(),
  timeZone: z.string(),
  figures: energyFigures,
  cabinets: z.array(energyCabinet),
});

const energyReportHead = {
  /** The local days reported, both included. */
  period: z.looseObject({ from: z.string(), to: z.string(), month: z.string().nullable() }),
  /** The emission factor behind every kgCO2e: its value, source and date. */
  co2: z.looseObject({ kgPerKwh: z.number(), source: z.string(), date: z.string() }),
  /** The tariff the cost is computed with (central's `history.tariff`). */
  tariff: z.looseObject({
    subscriptionPerMonth: z.number(),
    peakPricePerKwh: z.number(),
    offPeakPricePerKwh: z.number(),
    offPeak: z.array(z.looseObject({ from: z.string(), to: z.string() })),
  }),
  /** Whether kWh may be estimated from installed power, and why not when they may not. */
  estimates: z.looseObject({ available: z.boolean(), reason: z.string().nullable() }),
};

/** `GET /api/communes/{insee}/energy`: a commune's report, per cabinet and output. */
export const communeEnergyReport = z.looseObject({ ...energyReportHead, commune: energyCommune });
export type CommuneEnergyReport = z.output<typeof communeEnergyReport>;

/** `GET /api/energy`: the report of every commune of the caller's tenant, per commune, and their total. */
export const syndicateEnergyReport = z.looseObject({
  ...energyReportHead,
  figures: energyFigures,
  communes: z.array(energyCommune.omit({ cabinets: true })),
});
export type SyndicateEnergyReport = z.output<typeof syndicateEnergyReport>;

/** One month of a period (clipped to it): its kWh beside those of the same days a year earlier, each with its source. */
export const energyMonth = z.looseObject({
  /** `2027-03`. */
  month: z.string(),
  kwh: z.number().nullable(),
  source: z.enum(ENERGY_SOURCES),
  previousYearKwh: z.number().nullable(),
  previousYearSource: z.enum(ENERGY_SOURCES),
});
export type EnergyMonthDto = z.output<typeof energyMonth>;

/** `GET /api/communes/{insee}/energy/months`: a commune's kWh month by month over the period, against a year earlier. */
export const communeEnergyMonths = z.looseObject({
  period: energyReportHead.period,
  months: z.array(energyMonth),
});
export type CommuneEnergyMonths = z.output<typeof communeEnergyMonths>;
