import type { ModbusPointDefinition, OpcuaPointDefinition, PointScalar, Quality, ReadPlanRules } from '@beffroi/domain';
import type { Observable } from 'rxjs';

/** A profile point bound to one piece of equipment on a bus. */
export interface BoundPoint<D = ModbusPointDefinition | OpcuaPointDefinition> {
  /** `equipmentId/pointId`, unique in the gateway. */
  key: string;
  equipmentId: string;
  /** Modbus unit id of the equipment (undefined on OPC UA). */
  unit?: number;
  definition: D;
  /** Poll (or OPC UA sampling) period, ms. */
  periodMs: number;
  /** Modbus: what the equipment's profile says about joining its points into requests (`readPlan`). */
  readPlan?: ReadPlanRules;
}

/** One observation of a point: a value with good quality, or no value and the reason. */
export interface PointSample {
  key: string;
  value: PointScalar | null;
  quality: Quality;
  /** When the device observed the value: the OPC UA source timestamp; on Modbus, when the answer came. */
  observedAt?: Date;
  receivedAt: Date;
}

/** What the equipment answered to a write (before any feedback check). */
export type WriteAck =
  { status: 'written' } | { status: 'failed'; reason: string } | { status: 'expired'; reason: string };

/** Connection state of a bus as a whole. */
export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface BusHealth {
  busId: string;
  link: LinkState;
  /** Equipment currently considered offline (not answering), with the reason. */
  offline: { equipmentId: string; since: Date; reason: string }[];
  /** Requests waiting for the bus. */
  queued: number;
}

/**
 * One field bus, owned by exactly one driver: it alone opens the connection, orders requests on it and reconnects.
 * Device faults never throw: they come back as samples with `bad` quality or as failed acks.
 */
export abstract class FieldDriver {
  abstract readonly busId: string;
  /** Starts connecting; resolves at once (a bus that is down is retried in the background). */
  abstract start(): Promise<void>;
  /**
   * The gateway is stopping: from now on a write never waits for the bus. Writes waiting for a connection (or for a
   * unit that does not answer) are answered `failed` at once, never sent, and so is any later one the bus cannot take
   * now; the bus stays open for those it can (a bell's safety stop) until `stop()`.
   */
  abstract stopWaiting(): void;
  /** Closes the connection and settles every pending request. */
  abstract stop(): Promise<void>;
  /** Reads these points now. */
  abstract read(points: readonly BoundPoint[]): Promise<PointSample[]>;
  /** Writes a value; a write still waiting when `notAfter` passes is answered `expired`, never sent late. */
  abstract write(point: BoundPoint, value: PointScalar, notAfter: Date): Promise<WriteAck>;
  /** Values pushed by the equipment (OPC UA subscriptions); Modbus buses never emit here. */
  abstract readonly changes$: Observable<PointSample>;
  /** The state of the bus's link: the current one on subscription, then each change. */
  abstract readonly link$: Observable<LinkState>;
  abstract health(): BusHealth;
}
