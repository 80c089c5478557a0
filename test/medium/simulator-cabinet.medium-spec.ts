import ModbusRTU from 'modbus-serial';
import { ManualClock } from '@beffroi/runtime';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';

const clock = new ManualClock(Date.UTC(2027, 0, 1, 17, 0, 0));
let sim: SimulatorHarness;
let client: ModbusRTU;

function floatAt(words: number[], index: number): number {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt16BE(words[index]!, 0);
  buffer.writeUInt16BE(words[index + 1]!, 2);
  return buffer.readFloatBE(0);
}

async function closeClient(c: ModbusRTU): Promise<void> {
  if (c.isOpen) await new Promise<void>((resolve) => c.close(() => resolve()));
}

async function connect(unit: number, timeout = 300): Promise<ModbusRTU> {
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port: sim.ports['street-lighting']! });
  c.setID(unit);
  c.setTimeout(timeout);
  return c;
}

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street-lighting',
          transport: { type: 'tcp', port: 0 },
          devices: [
            { id: 'cabinet-1', kind: 'lighting-cabinet', unit: 1, circuits: 4, circuitLoadKw: [1.2, 0.8, 1.5, 0.6] },
            { id: 'cabinet-2', kind: 'lighting-cabinet', unit: 2, circuits: 2 },
          ],
        },
      ],
    },
    clock,
  );
});

beforeEach(async () => {
  client = await connect(1);
});

afterEach(async () => {
  await control(sim, 'DELETE', '/devices/cabinet-1/fault');
  await control(sim, 'POST', '/devices/cabinet-1/inputs', { selector: 'auto', breakerTripped: false });
  await closeClient(client);
  const reset = await connect(1);
  await reset.writeCoils(0, [false, false, false, false]);
  await closeClient(reset);
});

afterAll(() => sim.close());

describe('simulated lighting cabinet over Modbus TCP', () => {
  it('switches a circuit: command coil now, feedback contact after its delay', async () => {
    await client.writeCoil(0, true);
    expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual([true, false, false, false]);
    expect((await client.readDiscreteInputs(0, 4)).data.slice(0, 4)).toEqual([false, false, false, false]);
    await clock.advance(200);
    expect((await client.readDiscreteInputs(0, 4)).data.slice(0, 4)).toEqual([true, false, false, false]);
  });

  it('meters the load as float32 words and counts energy while a circuit is on', async () => {
    const before = (await client.readInputRegisters(30, 2)).data;
    await client.writeCoils(0, [true, false, true, false]);
    await clock.advance(3_600_000);
    const regs = (await client.readInputRegisters(10, 22)).data;
    expect(floatAt(regs, 0)).toBeCloseTo(230, 3);
    // Circuit n is on phase ((n - 1) mod 3) + 1: circuit 1 (1.2 kW) on L1, circuit 3 (1.5 kW) on L3; the cabinet's
    // own 25 W (standbyW) on L1.
    expect([12, 14, 16, 18].map((i) => floatAt(regs, i))).toEqual([
      expect.closeTo(1.225, 5),
      0,
      expect.closeTo(1.5, 5),
      expect.closeTo(2.725, 5),
    ]);
    const after = regs.slice(20, 22);
    const wh = (w: number[]) => w[0]! * 65536 + w[1]!;
    expect(wh(after) - wh(before)).toBe(2725);
  });

  it('dims a circuit and refuses a level beyond 100 % with exception 03', async () => {
    await client.writeRegister(1, 40);
    expect((await client.readHoldingRegisters(0, 4)).data).toEqual([100, 40, 100, 100]);
    await expect(client.writeRegister(1, 101)).rejects.toMatchObject({ modbusCode: 3 });
    await client.writeRegister(1, 100);
  });

  it('obeys the local selector over the command coils', async () => {
    await control(sim, 'POST', '/devices/cabinet-1/inputs', { selector: 'forced' });
    await clock.advance(200);
    expect((await client.readDiscreteInputs(0, 4)).data.slice(0, 4)).toEqual([true, true, true, true]);
    expect((await client.readInputRegisters(0, 1)).data).toEqual([1]);
    await client.writeCoil(2, true);
    await control(sim, 'POST', '/devices/cabinet-1/inputs', { selector: 'off' });
    await clock.advance(200);
    expect((await client.readDiscreteInputs(0, 4)).data.slice(0, 4)).toEqual([false, false, false, false]);
  });

  it('reports door, breaker and earth leakage contacts', async () => {
    await client.writeCoil(0, true);
    await control(sim, 'POST', '/devices/cabinet-1/inputs', { doorOpen: true, breakerTripped: true });
    await clock.advance(200);
    expect((await client.readDiscreteInputs(100, 3)).data.slice(0, 3)).toEqual([true, true, false]);
    expect((await client.readDiscreteInputs(0, 1)).data[0]).toBe(false);
    await control(sim, 'POST', '/devices/cabinet-1/inputs', { doorOpen: false });
  });

  it('answers an unmapped address with exception 02', async () => {
    await expect(client.readHoldingRegisters(50, 2)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('answers for a unit nobody simulates with exception 0B', async () => {
    const other = await connect(9);
    await expect(other.readCoils(0, 1)).rejects.toMatchObject({ modbusCode: 0x0b });
    await closeClient(other);
  });
});

describe('fault injection on the cabinet', () => {
  it('no-answer: the device goes silent while its neighbour on the same port still answers', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'no-answer' });
    await expect(client.readCoils(0, 4)).rejects.toMatchObject({ message: 'Timed out' });
    const neighbour = await connect(2);
    expect((await neighbour.readCoils(0, 2)).data.slice(0, 2)).toEqual([false, false]);
    await closeClient(neighbour);
  });

  it('slow: answers after the delay', async () => {
    client.setTimeout(2000);
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'slow', delayMs: 300 });
    const started = process.hrtime.bigint();
    await client.readCoils(0, 4);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(290);
  });

  it('exception: answers with the configured code', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'exception', code: 6 });
    await expect(client.readCoils(0, 4)).rejects.toMatchObject({ modbusCode: 6 });
  });

  it('corrupt: the answer cannot be decoded', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'corrupt' });
    await expect(client.readCoils(0, 4)).rejects.toMatchObject({
      message: expect.stringMatching(/^Unexpected data error, expected code 1/),
    });
  });

  it('short: only half an answer arrives', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'short' });
    await expect(client.readCoils(0, 4)).rejects.toMatchObject({ message: 'Timed out' });
  });

  it('wrong-unit: the answer claims another unit', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'wrong-unit' });
    await expect(client.readCoils(0, 4)).rejects.toMatchObject({
      message: expect.stringMatching(/expected address 1 got 2/),
    });
  });

  it('drop: the connection is closed instead of answering', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'drop' });
    await expect(client.readCoils(0, 4)).rejects.toBeDefined();
    expect(client.isOpen).toBe(false);
  });

  it('drop-connections action closes every open connection', async () => {
    const { body } = await control(sim, 'POST', '/devices/cabinet-1/actions/drop-connections');
    expect(body.closed).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.isOpen).toBe(false);
  });

  it('probability: a fault applies to a share of requests only', async () => {
    await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'exception', code: 4, probability: 0 });
    await expect(client.readCoils(0, 4)).resolves.toBeDefined();
  });
});

describe('control API', () => {
  it('lists devices with where to reach them', async () => {
    const { status, body } = await control(sim, 'GET', '/devices');
    expect(status).toBe(200);
    expect(body).toContainEqual(
      expect.objectContaining({
        id: 'cabinet-1',
        transport: 'modbus-tcp',
        unit: 1,
        port: sim.ports['street-lighting'],
      }),
    );
  });

  it('rejects a bad fault naming the field', async () => {
    const { status, body } = await control(sim, 'PUT', '/devices/cabinet-1/fault', { mode: 'slow', delayMs: -5 });
    expect(status).toBe(400);
    expect(body.problems).toEqual([expect.objectContaining({ path: 'delayMs' })]);
  });

  it('rejects a bad physical input naming the field', async () => {
    const { status, body } = await control(sim, 'POST', '/devices/cabinet-1/inputs', { selector: 'manual' });
    expect(status).toBe(400);
    expect(body.problems).toEqual([{ path: 'selector', message: 'expected auto | forced | off, got "manual"' }]);
  });

  it('answers 404 for an unknown device', async () => {
    const { status, body } = await control(sim, 'GET', '/devices/nope');
    expect(status).toBe(404);
    expect(body.message).toMatch(/no device "nope"/);
  });
});
