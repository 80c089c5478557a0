import { ModbusException, ModbusExceptionCode } from './modbus-exception';

/** MEI type of Read Device Identification inside function 43 (Modbus Application Protocol v1.1b3, §6.21). */
export const MEI_READ_DEVICE_ID = 0x0e;

/**
 * What a simulated device says about itself through function 43 / MEI 14. The three basic objects are mandatory;
 * the regular ones are sent when present. ASCII text, as the specification requires.
 */
export interface DeviceIdentity {
  /** Object 0x00. */
  readonly vendorName: string;
  /** Object 0x01. */
  readonly productCode: string;
  /** Object 0x02 (MajorMinorRevision). */
  readonly revision: string;
  /** Object 0x03. */
  readonly vendorUrl?: string;
  /** Object 0x04. */
  readonly productName?: string;
  /** Object 0x05. */
  readonly modelName?: string;
  /** Object 0x06. */
  readonly userApplicationName?: string;
}

/** Regular conformity level, with stream and individual access. */
const CONFORMITY_REGULAR_WITH_INDIVIDUAL = 0x82;
/** A response PDU is at most 253 bytes. */
const MAX_PDU = 253;
/** Function code, MEI type, ReadDevId code, conformity level, more follows, next object id, number of objects. */
const HEADER = 7;

const ReadDevIdCode = { Basic: 0x01, Regular: 0x02, Extended: 0x03, Individual: 0x04 } as const;

/** The identity's objects in id order, as ASCII bytes. */
function objectsOf(identity: DeviceIdentity): [number, Buffer][] {
  const texts: [number, string | undefined][] = [
    [0x00, identity.vendorName],
    [0x01, identity.productCode],
    [0x02, identity.revision],
    [0x03, identity.vendorUrl],
    [0x04, identity.productName],
    [0x05, identity.modelName],
    [0x06, identity.userApplicationName],
  ];
  return texts.flatMap(([id, text]) =>
    text === undefined ? [] : [[id, Buffer.from(text, 'ascii')] as [number, Buffer]],
  );
}

function response(code: number, moreFollows: boolean, nextObjectId: number, objects: [number, Buffer][]): Buffer {
  const header = Buffer.from([
    0x2b,
    MEI_READ_DEVICE_ID,
    code,
    CONFORMITY_REGULAR_WITH_INDIVIDUAL,
    moreFollows ? 0xff : 0x00,
    moreFollows ? nextObjectId : 0x00,
    objects.length,
  ]);
  return Buffer.concat([header, ...objects.flatMap(([id, bytes]) => [Buffer.from([id, bytes.length]), bytes])]);
}

/**
 * Answers a Read Device Identification request PDU (`2B 0E code objectId`). Stream access (basic, regular,
 * extended: this device has no extended objects) starts at the requested object, or at the first one when the
 * device does not have it, and says "more follows" when the rest does not fit in one PDU; individual access returns
 * the one object or exception 02. A device without an identity answers exception 01, like one without function 43.
 */
export function answerReadDeviceIdentification(identity: DeviceIdentity | undefined, pdu: Buffer): Buffer {
  if (pdu.length !== 4) {
    throw new ModbusException(ModbusExceptionCode.IllegalDataValue, 'a function 43 request is 4 bytes');
  }
  if (pdu.readUInt8(1) !== MEI_READ_DEVICE_ID || identity === undefined) {
    throw new ModbusException(ModbusExceptionCode.IllegalFunction, 'no device identification');
  }
  const code = pdu.readUInt8(2);
  const objectId = pdu.readUInt8(3);
  const objects = objectsOf(identity);
  if (code === ReadDevIdCode.Individual) {
    const object = objects.find(([id]) => id === objectId);
    if (!object) {
      throw new ModbusException(ModbusExceptionCode.IllegalDataAddress, `no identification object ${objectId}`);
    }
    return response(code, false, 0, [object]);
  }
  if (code !== ReadDevIdCode.Basic && code !== ReadDevIdCode.Regular && code !== ReadDevIdCode.Extended) {
    throw new ModbusException(ModbusExceptionCode.IllegalDataValue, `ReadDevId code ${code} outside 1..4`);
  }
  const category = code === ReadDevIdCode.Basic ? objects.filter(([id]) => id <= 0x02) : objects;
  const start = Math.max(
    0,
    category.findIndex(([id]) => id === objectId),
  );
  const sent: [number, Buffer][] = [];
  let size = HEADER;
  for (const object of category.slice(start)) {
    if (size + 2 + object[1].length > MAX_PDU) break;
    sent.push(object);
    size += 2 + object[1].length;
  }
  const next = category[start + sent.length];
  return response(code, next !== undefined, next?.[0] ?? 0, sent);
}
