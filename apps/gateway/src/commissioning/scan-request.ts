import { z } from 'zod';

const PARITIES = ['none', 'even', 'odd'] as const;

const int = (min: number, max: number) =>
  z
    .number({ error: `expected an integer ${min}..${max}` })
    .int({ error: `expected an integer ${min}..${max}` })
    .min(min, { error: `expected an integer ${min}..${max}` })
    .max(max, { error: `expected an integer ${min}..${max}` });

const UNITS_ERROR = 'expected unit ids 1..247 such as "1-247" or "2,5,9"';

/** `1-247`, `2,5,9`, `1-10,20`: unit ids 1..247, in the order given, each once (as `beffroi scan --units`). */
const units = z.string({ error: UNITS_ERROR }).transform((text, ctx) => {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || from < 1 || to > 247 || from > to) {
      ctx.addIssue({ code: 'custom', message: UNITS_ERROR });
      return z.NEVER;
    }
    for (let unit = from; unit <= to; unit++) ids.add(unit);
  }
  return [...ids];
});

/** One value or a non-empty list of them (`beffroi scan --baud 9600,19200`). */
const listOf = <T extends z.ZodType>(item: T, error: string) =>
  z.union([item.transform((one) => [one]), z.array(item).min(1)], { error });

const baudRate = int(300, 921600);
const parity = z.enum(PARITIES);

const modbusCommon = {
  units: units.default([...Array(247).keys()].map((index) => index + 1)),
  /** Milliseconds each unit has to answer. */
  timeout: int(10, 60_000).default(100),
  stopAfter: int(1, 247).optional(),
};

const rtuScan = z.strictObject({
  kind: z.literal('rtu'),
  port: z
    .string({ error: 'expected a serial device path such as "/dev/ttyUSB0"' })
    .startsWith('/', { error: 'expected a serial device path such as "/dev/ttyUSB0"' }),
  baud: listOf(baudRate, 'expected a baud rate 300..921600, or a list such as [9600, 19200]').default([19200]),
  parity: listOf(parity, 'expected none | even | odd, or a list such as ["even", "none"]').default(['even']),
  dataBits: z.union([z.literal(7), z.literal(8)], { error: 'expected 7 | 8' }).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 | 2' }).default(1),
  ...modbusCommon,
});

const tcpScan = z.strictObject({
  kind: z.literal('tcp'),
  host: z
    .string({ error: 'expected a host name or address such as "192.168.1.20"' })
    .regex(/^[A-Za-z0-9.:-]+$/, { error: 'expected a host name or address such as "192.168.1.20"' }),
  port: int(1, 65535).default(502),
  ...modbusCommon,
});

const opcuaScan = z.strictObject({
  kind: z.literal('opcua'),
  endpoint: z
    .string({ error: 'expected an endpoint URL such as "opc.tcp://192.168.1.30:4840"' })
    .regex(/^opc\.tcp:\/\/[^/\s]+(?:\/\S*)?$/, {
      error: 'expected an endpoint URL such as "opc.tcp://192.168.1.30:4840"',
    }),
  /** Levels browsed under Objects. */
  depth: int(1, 10).default(3),
  /** Milliseconds connecting and each service call may take. */
  timeout: int(100, 120_000).default(10_000),
});

const KIND_ERROR = 'expected kind rtu | tcp | opcua';

/** `POST /commissioning/scans`: what to scan, with the options of `beffroi scan` (camelCase). */
export const scanRequestSchema = z.discriminatedUnion('kind', [rtuScan, tcpScan, opcuaScan], { error: KIND_ERROR });

/** `POST /commissioning/identify`: one Modbus unit (`unit`), or one OPC UA endpoint (browsed one level deep). */
export const identifyRequestSchema = z.discriminatedUnion(
  'kind',
  [
    rtuScan.omit({ units: true, stopAfter: true }).extend({ unit: int(1, 247) }),
    tcpScan.omit({ units: true, stopAfter: true }).extend({ unit: int(1, 247) }),
    opcuaScan.omit({ depth: true }),
  ],
  { error: KIND_ERROR },
);

export type ScanRequest = z.output<typeof scanRequestSchema>;
export type IdentifyRequest = z.output<typeof identifyRequestSchema>;
