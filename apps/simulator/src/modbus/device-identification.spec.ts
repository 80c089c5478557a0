import { answerReadDeviceIdentification, type DeviceIdentity } from './device-identification';
import { ModbusException } from './modbus-exception';

const identity: DeviceIdentity = {
  vendorName: 'Beffroi',
  productCode: 'SIM-AEP',
  revision: '1.4',
  productName: 'Simulated street-lighting cabinet',
  modelName: 'SIM-AEP-4',
};

const request = (code: number, objectId: number) => Buffer.from([0x2b, 0x0e, code, objectId]);

/** The objects of an answer as id → text, and its more-follows and next object id. */
function objectsOf(pdu: Buffer): { objects: Record<number, string>; more: number; next: number } {
  const objects: Record<number, string> = {};
  let at = 7;
  for (let i = 0; i < pdu.readUInt8(6); i++) {
    const length = pdu.readUInt8(at + 1);
    objects[pdu.readUInt8(at)] = pdu.toString('ascii', at + 2, at + 2 + length);
    at += 2 + length;
  }
  expect(at).toBe(pdu.length);
  return { objects, more: pdu.readUInt8(4), next: pdu.readUInt8(5) };
}

function exceptionCode(identityOrNone: DeviceIdentity | undefined, pdu: Buffer): number {
  try {
    answerReadDeviceIdentification(identityOrNone, pdu);
  } catch (error) {
    if (error instanceof ModbusException) return error.code;
    throw error;
  }
  throw new Error('no exception');
}

describe('Read Device Identification (function 43 / MEI 14) of a simulated device', () => {
  it('answers the basic objects, then the regular ones, with the regular conformity level', () => {
    const basic = answerReadDeviceIdentification(identity, request(1, 0));
    expect([...basic.subarray(0, 4)]).toEqual([0x2b, 0x0e, 1, 0x82]);
    expect(objectsOf(basic)).toEqual({ objects: { 0: 'Beffroi', 1: 'SIM-AEP', 2: '1.4' }, more: 0, next: 0 });
    expect(objectsOf(answerReadDeviceIdentification(identity, request(2, 0))).objects).toEqual({
      0: 'Beffroi',
      1: 'SIM-AEP',
      2: '1.4',
      4: 'Simulated street-lighting cabinet',
      5: 'SIM-AEP-4',
    });
  });

  it('starts a stream at the object asked for, or at the first one when the device has not got it', () => {
    expect(objectsOf(answerReadDeviceIdentification(identity, request(2, 4))).objects).toEqual({
      4: 'Simulated street-lighting cabinet',
      5: 'SIM-AEP-4',
    });
    expect(Object.keys(objectsOf(answerReadDeviceIdentification(identity, request(2, 3))).objects)).toEqual([
      '0',
      '1',
      '2',
      '4',
      '5',
    ]);
  });

  it('says more follows when the objects do not fit in one answer', () => {
    const long: DeviceIdentity = { ...identity, productName: 'P'.repeat(120), modelName: 'M'.repeat(120) };
    const first = objectsOf(answerReadDeviceIdentification(long, request(2, 0)));
    expect(first).toMatchObject({ more: 0xff, next: 5 });
    expect(Object.keys(first.objects)).toEqual(['0', '1', '2', '4']);
    expect(objectsOf(answerReadDeviceIdentification(long, request(2, 5)))).toEqual({
      objects: { 5: 'M'.repeat(120) },
      more: 0,
      next: 0,
    });
  });

  it('gives one object on individual access, exception 02 for an object it has not got', () => {
    expect(objectsOf(answerReadDeviceIdentification(identity, request(4, 5))).objects).toEqual({ 5: 'SIM-AEP-4' });
    expect(exceptionCode(identity, request(4, 3))).toBe(2);
  });

  it('refuses a bad ReadDevId code (03), another MEI type or a device without identity (01)', () => {
    expect(exceptionCode(identity, request(5, 0))).toBe(3);
    expect(exceptionCode(identity, Buffer.from([0x2b, 0x0d, 1, 0]))).toBe(1);
    expect(exceptionCode(undefined, request(1, 0))).toBe(1);
    expect(exceptionCode(identity, Buffer.from([0x2b, 0x0e, 1]))).toBe(3);
  });
});
