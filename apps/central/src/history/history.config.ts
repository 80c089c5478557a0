import { duration, ianaTimeZone, nonEmptyText } from '@beffroi/domain';
import { timeOfDaySchema } from '@beffroi/schedule';
import { z } from 'zod';

const days = (max: number) =>
  z
    .number({ error: `expected a whole number of days 1..${max}` })
    .int({ error: `expected a whole number of days 1..${max}` })
    .min(1, { error: `expected a whole number of days 1..${max}` })
    .max(max, { error: `expected a whole number of days 1..${max}` });

const price = (what: string) =>
  z
    .number({ error: `expected ${what} in euros, 0 or more` })
    .min(0, { error: `expected ${what} in euros, 0 or more` })
    .max(100_000, { error: `expected ${what} in euros, at most 100000` });

/** A supply contract; the defaults are only placeholders: a syndicate sets its own. */
const tariff = z
  .strictObject({
    /** Per cabinet (delivery point) and month. */
    subscriptionPerMonth: price('a subscription per month').default(0),
    peakPricePerKwh: price('a price per kWh').default(0.2),
    offPeakPricePerKwh: price('a price per kWh').default(0.2),
    /** Local off-peak windows: `{from: '22:00', to: '06:00'}` (across midnight when `to` is not after `from`). */
    offPeak: z
      .array(z.strictObject({ from: timeOfDaySchema, to: timeOfDaySchema }), {
        error: "expected a list of windows such as {from: '22:00', to: '06:00'}",
      })
      .default([]),
  })
  .prefault({});

/** Emissions per kWh, printed with their source and date beside every kgCO2e. */
const co2 = z
  .strictObject({
    kgPerKwh: z
      .number({ error: 'expected kgCO2e per kWh, 0..2' })
      .min(0, { error: 'expected kgCO2e per kWh, 0..2' })
      .max(2, { error: 'expected kgCO2e per kWh, 0..2' })
      .default(0.06),
    source: nonEmptyText.default('ADEME Base Empreinte, électricité France, usage éclairage (mix moyen)'),
    date: z.iso.date({ error: 'expected a date such as 2025-01-01' }).default('2025-01-01'),
  })
  .prefault({});

/** `history` in central's config: what is kept of reported measures and counters, and how energy is priced. */
export const historyConfigSchema = z
  .strictObject({
    /** Raw samples are deleted this many days after they were taken; rollups are kept. */
    rawRetentionDays: days(3650).default(35),
    /** How often new samples are rolled up, then samples past their retention deleted. */
    rollupEvery: duration(1000, 86_400_000).default(300_000),
    /** The time zone of a gateway's days and months when it has not reported a site with its own. */
    timeZone: ianaTimeZone.default('Europe/Paris'),
    tariff,
    co2,
  })
  .prefault({});

export type HistoryConfig = z.output<typeof historyConfigSchema>;
