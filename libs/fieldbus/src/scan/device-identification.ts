import { ModbusFrameError } from './modbus-frame';

/** Function 43 (encapsulated interface), MEI type 14: Read Device Identification (Modbus v1.1b3, §6.21). */
export const READ_DEVICE_ID_FC = 0x2b;
export const MEI_READ_DEVICE_ID = 0x0e;

/** Identification categories read in a stream: basic (objects 0..2) or regular (0..0x7F). */
export type IdentificationCategory = 'basic' | 'regular';

/** What a device says about itself. The three basic objects are mandatory; the regular ones are optional. */
export interface DeviceIdentity {
  vendorName: string;
  productCode: string;
  /** MajorMinorRevision. */
  revision: string;
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  userApplicationName?: string;
  /** Conformity level byte of the answer (0x01 basic, 0x02 regular, 0x03 extended; +0x80 individual access). */
  conformityLevel: number;
}

const OBJECT_NAMES = [
  'VendorName',
  'ProductCode',
  'MajorMinorRevision',
  'VendorUrl',
  'ProductName',
  'ModelName',
  'UserApplicationName',
] as const;

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

/** The request PDU reading a category in a stream, from `objectId` on. */
export function readDeviceIdRequest(category: IdentificationCategory, objectId = 0): Buffer {
  return Buffer.from([READ_DEVICE_ID_FC, MEI_READ_DEVICE_ID, category === 'basic' ? 0x01 : 0x02, objectId]);
}

/** One answer of a stream: its objects (id → text), and where the next request starts when more follow. */
export interface DeviceIdPart {
  objects: Map<number, string>;
  conformityLevel: number;
  nextObjectId: number | undefined;
}

/**
 * Decodes a Read Device Identification answer PDU to `request`; throws {@link ModbusFrameError} naming what is
 * wrong with the frame (an exception answer is not decoded here: the caller tells those apart first).
 */
export function decodeDeviceIdAnswer(request: Buffer, pdu: Buffer): DeviceIdPart {
  const what = 'Read Device Identification answer';
  if (pdu.length < 7) throw new ModbusFrameError(`${what} of ${pdu.length} bytes, shorter than its 7-byte header`);
  if (pdu.readUInt8(0) !== READ_DEVICE_ID_FC) {
    throw new ModbusFrameError(`${what} with function code ${hex(pdu.readUInt8(0))}, expected 0x2b`);
  }
  if (pdu.readUInt8(1) !== MEI_READ_DEVICE_ID) {
    throw new ModbusFrameError(`${what} with MEI type ${hex(pdu.readUInt8(1))}, expected 0x0e`);
  }
  if (pdu.readUInt8(2) !== request.readUInt8(2)) {
    throw new ModbusFrameError(
      `${what} for ReadDevId code ${hex(pdu.readUInt8(2))}, but code ${hex(request.readUInt8(2))} was asked`,
    );
  }
  const moreFollows = pdu.readUInt8(4);
  if (moreFollows !== 0x00 && moreFollows !== 0xff) {
    throw new ModbusFrameError(`${what} with "more follows" ${hex(moreFollows)}, expected 0x00 or 0xff`);
  }
  const objects = new Map<number, string>();
  const count = pdu.readUInt8(6);
  let at = 7;
  for (let i = 0; i < count; i++) {
    const id = pdu[at];
    const length = pdu[at + 1];
    if (id === undefined || length === undefined || at + 2 + length > pdu.length) {
      throw new ModbusFrameError(`${what} announces ${count} objects but ends inside object ${i + 1}`);
    }
    objects.set(id, pdu.toString('latin1', at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (at !== pdu.length) {
    throw new ModbusFrameError(`${what} has ${pdu.length - at} bytes after its ${count} objects`);
  }
  return {
    objects,
    conformityLevel: pdu.readUInt8(3),
    nextObjectId: moreFollows === 0xff ? pdu.readUInt8(5) : undefined,
  };
}

/** Sends one request PDU to the device and resolves with its answer PDU (an exception answer included). */
export type PduExchange = (request: Buffer) => Promise<Buffer>;

/** A device answered a Modbus exception: proof it is there, and its refusal. */
export class ModbusExceptionAnswer extends Error {
  constructor(
    readonly functionCode: number,
    readonly code: number,
  ) {
    super(`exception ${code} to function ${functionCode} (${exceptionMeaning(code)})`);
    this.name = 'ModbusExceptionAnswer';
  }
}

/** What an exception code says, in the words of the Modbus specification. */
export function exceptionMeaning(code: number): string {
  const meanings: Record<number, string> = {
    1: 'illegal function',
    2: 'illegal data address',
    3: 'illegal data value',
    4: 'server device failure',
    5: 'acknowledge',
    6: 'server device busy',
    10: 'gateway path unavailable',
    11: 'gateway target device failed to respond',
  };
  return meanings[code] ?? 'unknown exception code';
}

/** At most this many answers in one stream: a device whose "more follows" goes round in circles is wrong. */
const MAX_PARTS = 16;

/**
 * Reads a device's identification in a stream, following "more follows" until the last object. Throws
 * {@link ModbusExceptionAnswer} when the device refuses (exception 01: no function 43) and
 * {@link ModbusFrameError} when an answer is malformed, the stream does not advance, or a mandatory basic object
 * (VendorName, ProductCode, MajorMinorRevision) is missing.
 */
export async function readDeviceIdentification(
  exchange: PduExchange,
  category: IdentificationCategory = 'regular',
): Promise<DeviceIdentity> {
  const objects = new Map<number, string>();
  let objectId = 0;
  let conformityLevel = 0;
  for (let part = 0; part < MAX_PARTS; part++) {
    const request = readDeviceIdRequest(category, objectId);
    const answer = await exchange(request);
    const fc = answer[0];
    if (fc === (READ_DEVICE_ID_FC | 0x80)) throw new ModbusExceptionAnswer(READ_DEVICE_ID_FC, answer[1] ?? 0);
    const decoded = decodeDeviceIdAnswer(request, answer);
    decoded.objects.forEach((text, id) => objects.set(id, text));
    conformityLevel = decoded.conformityLevel;
    if (decoded.nextObjectId === undefined) return identityOf(objects, conformityLevel);
    if (decoded.nextObjectId <= objectId || decoded.objects.size === 0) {
      throw new ModbusFrameError(
        `Read Device Identification answer says more follows from object ${hex(decoded.nextObjectId)}, which does not advance the stream`,
      );
    }
    objectId = decoded.nextObjectId;
  }
  throw new ModbusFrameError(`Read Device Identification still says more follows after ${MAX_PARTS} answers`);
}

function identityOf(objects: Map<number, string>, conformityLevel: number): DeviceIdentity {
  const mandatory = [0, 1, 2].map((id) => {
    const text = objects.get(id);
    if (text === undefined) {
      throw new ModbusFrameError(
        `Read Device Identification answer lacks the mandatory object ${hex(id)} (${OBJECT_NAMES[id] ?? ''})`,
      );
    }
    return text;
  });
  const [vendorName = '', productCode = '', revision = ''] = mandatory;
  const optional = (id: number, key: 'vendorUrl' | 'productName' | 'modelName' | 'userApplicationName') => {
    const text = objects.get(id);
    return text === undefined ? {} : { [key]: text };
  };
  return {
    vendorName,
    productCode,
    revision,
    ...optional(3, 'vendorUrl'),
    ...optional(4, 'productName'),
    ...optional(5, 'modelName'),
    ...optional(6, 'userApplicationName'),
    conformityLevel,
  };
}
