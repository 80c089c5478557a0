import { z } from 'zod';
import {
  identifier,
  intIn,
  modbusRtuBusSchema,
  modbusRtuOverTcpBusSchema,
  modbusTcpBusSchema,
  nonEmptyText,
  opcuaBusSchema,
  pointId,
  tagList,
} from '@beffroi/domain';

/**
 * A new bus, defined as in the config file's `buses` (same keys, same defaults) without its `equipment`: the
 * commissioning route adds the one equipment it binds.
 */
export const newBusSchema = z.discriminatedUnion(
  'protocol',
  [
    modbusTcpBusSchema.omit({ equipment: true }),
    modbusRtuBusSchema.omit({ equipment: true }),
    modbusRtuOverTcpBusSchema.omit({ equipment: true }),
    opcuaBusSchema.omit({ equipment: true }),
  ],
  { error: 'expected protocol modbus-tcp | modbus-rtu | modbus-rtu-over-tcp | opcua' },
);

/** The id of a bus of the config file, or a new bus's full definition. */
const busReference = z.union([identifier, newBusSchema], {
  error: 'expected the id of a bus of the config, or a new bus such as { id, protocol: modbus-tcp, host, port }',
});

const target = {
  bus: busReference,
  /** Modbus unit id of the device (none on OPC UA: the bus's endpoint is the device). */
  unit: intIn(0, 255).optional(),
  /** Profile id, one of the profiles the gateway loaded. */
  profile: identifier,
};

/** `POST /commissioning/checks`: read every point of a profile once from one device. */
export const checkRequestSchema = z.strictObject(target);

/** `POST /commissioning/equipment`: bind a device to a new equipment of the config, checked live first. */
export const bindRequestSchema = z.strictObject({
  id: identifier,
  name: nonEmptyText.optional(),
  site: identifier.optional(),
  tags: z
    .record(pointId, tagList, { error: 'expected tags by point id, such as { circuit.1.command: [eclairage-voirie] }' })
    .optional(),
  ...target,
  /** Bind even though the live check found problems; the problems are recorded with the binding. */
  force: z.boolean({ error: 'expected true or false' }).default(false),
});

export type NewBus = z.output<typeof newBusSchema>;
export type CheckRequest = z.output<typeof checkRequestSchema>;
export type BindRequest = z.output<typeof bindRequestSchema>;
