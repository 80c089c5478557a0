import { z } from 'zod';

/** Share of requests the fault applies to (1: all of them); the others are answered normally. */
const probability = { probability: z.number().min(0).max(1).default(1) };

/**
 * Fault modes a simulated Modbus device can be switched into at run time, after modbus-serial's TestPort:
 * each one is a thing real field devices and lines do.
 */
export const modbusFaultSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('none') }),
    /** The device stays silent: the master times out. */
    z.strictObject({ mode: z.literal('no-answer'), ...probability }),
    /** The device answers after a delay. */
    z.strictObject({ mode: z.literal('slow'), delayMs: z.number().int().min(1).max(60_000), ...probability }),
    /** The device answers with this Modbus exception code. */
    z.strictObject({ mode: z.literal('exception'), code: z.number().int().min(1).max(255), ...probability }),
    /** The answer is damaged on the wire: bad CRC on RTU, inconsistent length and byte count on TCP. */
    z.strictObject({ mode: z.literal('corrupt'), ...probability }),
    /** Only the first half of the answer arrives. */
    z.strictObject({ mode: z.literal('short'), ...probability }),
    /** The answer carries another unit id (a cross-wired reply). */
    z.strictObject({ mode: z.literal('wrong-unit'), ...probability }),
    /** The connection carrying the request is closed instead of answering (TCP transports only). */
    z.strictObject({ mode: z.literal('drop'), ...probability }),
  ],
  { error: 'expected mode none | no-answer | slow | exception | corrupt | short | wrong-unit | drop' },
);
export type ModbusFault = z.output<typeof modbusFaultSchema>;
export const NO_FAULT: ModbusFault = { mode: 'none' };

/** The fault to apply to this request, drawing against its probability with the given random number in [0, 1). */
export function faultForRequest(fault: ModbusFault, random: number): ModbusFault {
  if (fault.mode === 'none') return fault;
  return random < fault.probability ? fault : NO_FAULT;
}
