import type { z } from 'zod';

/** What the control API can see and touch on any simulated device. */
export interface SimulatedDevice {
  readonly id: string;
  readonly kind: 'lighting-cabinet' | 'bell-controller' | 'heating-controller' | 'register-bank';
  /** Schema of the physical inputs a person can change on site (selector, door, outdoor temperature...). */
  readonly inputsSchema: z.ZodType;
  /** The device's physical state as JSON, for GET /devices/:id. */
  state(): Record<string, unknown>;
  /** Applies physical inputs already validated against {@link inputsSchema}. */
  applyInputs(inputs: unknown): void;
}
