import {
  decodeDeviceIdAnswer,
  ModbusExceptionAnswer,
  readDeviceIdentification,
  readDeviceIdRequest,
} from './device-identification';
import { ModbusFrameError, responsePduLength } from './modbus-frame';

/** An answer PDU: header then objects. */
function answer(objects: [number, string][], options: { code?: number; more?: number; next?: number } = {}): Buffer {
  return Buffer.concat([
    Buffer.from([0x2b, 0x0e, options.code ?? 2, 0x82, options.more ?? 0, options.next ?? 0, objects.length]),
    ...objects.map(([id, text]) => Buffer.concat([Buffer.from([id, text.length]), Buffer.from(text, 'ascii')])),
  ]);
}

const basic: [number, string][] = [
  [0, 'Beffroi'],
  [1, 'SIM-AEP'],
  [2, '1.4'],
];

/** A device answering each request with the next of `answers`; records the requests. */
function device(...answers: Buffer[]) {
  const requests: Buffer[] = [];
  return {
    requests,
    exchange: (request: Buffer) => {
      requests.push(request);
      const next = answers.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('no more answers'));
    },
  };
}

describe('Read Device Identification, client side', () => {
  it('reads the basic and regular objects into an identity', async () => {
    const { exchange, requests } = device(answer([...basic, [4, 'Simulated cabinet'], [5, 'SIM-AEP-4']]));
    await expect(readDeviceIdentification(exchange)).resolves.toEqual({
      vendorName: 'Beffroi',
      productCode: 'SIM-AEP',
      revision: '1.4',
      productName: 'Simulated cabinet',
      modelName: 'SIM-AEP-4',
      conformityLevel: 0x82,
    });
    expect(requests).toEqual([readDeviceIdRequest('regular', 0)]);
  });

  it('follows "more follows" from the next object id until the last answer', async () => {
    const { exchange, requests } = device(answer(basic, { more: 0xff, next: 4 }), answer([[4, 'Simulated cabinet']]));
    await expect(readDeviceIdentification(exchange)).resolves.toMatchObject({ productName: 'Simulated cabinet' });
    expect(requests.map((request) => request[3])).toEqual([0, 4]);
  });

  it('tells a refusal (exception) from a malformed answer', async () => {
    await expect(readDeviceIdentification(device(Buffer.from([0xab, 0x01])).exchange)).rejects.toEqual(
      new ModbusExceptionAnswer(0x2b, 1),
    );
    await expect(readDeviceIdentification(device(answer(basic, { more: 0xff, next: 0 })).exchange)).rejects.toThrow(
      'Read Device Identification answer says more follows from object 0x00, which does not advance the stream',
    );
    await expect(readDeviceIdentification(device(answer(basic.slice(0, 2))).exchange)).rejects.toThrow(
      'Read Device Identification answer lacks the mandatory object 0x02 (MajorMinorRevision)',
    );
  });

  it.each<[string, Buffer, string]>([
    [
      'a short header',
      Buffer.from([0x2b, 0x0e, 2]),
      'Read Device Identification answer of 3 bytes, shorter than its 7-byte header',
    ],
    [
      'another MEI type',
      Buffer.from([0x2b, 0x0d, 2, 0x82, 0, 0, 0]),
      'Read Device Identification answer with MEI type 0x0d, expected 0x0e',
    ],
    [
      'another ReadDevId code',
      answer(basic, { code: 1 }),
      'Read Device Identification answer for ReadDevId code 0x01, but code 0x02 was asked',
    ],
    [
      'a bad more-follows byte',
      answer(basic, { more: 0x01 }),
      'Read Device Identification answer with "more follows" 0x01, expected 0x00 or 0xff',
    ],
    [
      'an object running past the end',
      Buffer.concat([answer(basic).subarray(0, 7 + 9), Buffer.from([1, 12, 0x41])]),
      'Read Device Identification answer announces 3 objects but ends inside object 2',
    ],
    [
      'bytes after the objects',
      Buffer.concat([answer(basic), Buffer.from([0])]),
      'Read Device Identification answer has 1 bytes after its 3 objects',
    ],
  ])('names what is wrong with a frame: %s', (_, pdu, message) => {
    expect(() => decodeDeviceIdAnswer(readDeviceIdRequest('regular'), pdu)).toThrow(new ModbusFrameError(message));
  });

  it('knows an RTU answer is complete from its own bytes', () => {
    const pdu = answer(basic);
    expect(responsePduLength(pdu.subarray(0, 6))).toBeUndefined();
    expect(responsePduLength(pdu.subarray(0, 10))).toBeUndefined();
    expect(responsePduLength(pdu)).toBe(pdu.length);
    expect(responsePduLength(Buffer.from([0x83]))).toBe(2);
    expect(responsePduLength(Buffer.from([0x03, 2]))).toBe(4);
    expect(() => responsePduLength(Buffer.from([0x07]))).toThrow('answer with function code 0x07, not one we asked');
  });
});
