import ModbusRTU from 'modbus-serial';
import { ManualClock } from '@beffroi/runtime';
import { openPtyPair, type PtyPair } from '../support/pty-pair';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';

const clock = new ManualClock(Date.UTC(2027, 3, 1, 12, 0, 0));
let pty: PtyPair;
let sim: SimulatorHarness;
let client: ModbusRTU;

const STRIKE = 16;

beforeAll(async () => {
  pty = await openPtyPair();
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'belfry',
          transport: { type: 'rtu-serial', path: pty.device, baudRate: 19200 },
          devices: [
            { id: 'bells', kind: 'bell-controller', unit: 2, bells: 3, maxSwing: '3min', strikePulse: '500ms' },
          ],
        },
      ],
    },
    clock,
  );
  client = new ModbusRTU();
  await client.connectRTUBuffered(pty.master, { baudRate: 19200 });
  client.setID(2);
  client.setTimeout(300);
});

afterEach(async () => {
  await control(sim, 'DELETE', '/devices/bells/fault');
  client.setID(2);
  await client.writeCoils(0, [false, false, false]);
  await clock.advance(1000);
});

afterAll(async () => {
  await new Promise<void>((resolve) => client.close(() => resolve()));
  await sim.close();
  await pty.close();
});

describe('simulated bell controller over Modbus RTU on a serial line (pty pair)', () => {
  it('swings a bell and reports it running', async () => {
    await client.writeCoil(0, true);
    expect((await client.readDiscreteInputs(0, 3)).data.slice(0, 3)).toEqual([true, false, false]);
    expect((await client.readInputRegisters(16, 1)).data).toEqual([1]);
  });

  it('refuses a hammer strike while the same bell swings, and allows it on another bell', async () => {
    await client.writeCoil(0, true);
    await expect(client.writeCoil(STRIKE, true)).rejects.toMatchObject({ modbusCode: 4 });
    await client.writeCoil(STRIKE + 1, true);
    const strikes = (await client.readInputRegisters(0, 3)).data;
    expect(strikes).toEqual([0, 1, 0]);
    expect((await client.readInputRegisters(32, 1)).data).toEqual([1]);
  });

  it('counts one strike per pulse and opens the strike relay after the pulse', async () => {
    await client.writeCoil(STRIKE + 2, true);
    await client.writeCoil(STRIKE + 2, true);
    expect((await client.readCoils(STRIKE + 2, 1)).data[0]).toBe(true);
    await clock.advance(500);
    expect((await client.readCoils(STRIKE + 2, 1)).data[0]).toBe(false);
    await client.writeCoil(STRIKE + 2, true);
    expect((await client.readInputRegisters(2, 1)).data).toEqual([2]);
  });

  it('cuts the swing relay after its maximum run time whatever the bus says', async () => {
    await client.writeCoil(1, true);
    await clock.advance(179_999);
    expect((await client.readCoils(1, 1)).data[0]).toBe(true);
    await clock.advance(1);
    expect((await client.readCoils(1, 1)).data[0]).toBe(false);
    expect((await client.readDiscreteInputs(1, 1)).data[0]).toBe(false);
  });

  it('stays silent for a unit that is not on the line', async () => {
    client.setID(7);
    await expect(client.readCoils(0, 1)).rejects.toMatchObject({ message: 'Timed out' });
  });

  it('corrupt fault: the master sees a CRC error', async () => {
    await control(sim, 'PUT', '/devices/bells/fault', { mode: 'corrupt' });
    await expect(client.readCoils(0, 3)).rejects.toMatchObject({ message: 'CRC error' });
  });

  it('no-answer fault: the master times out, then the line works again', async () => {
    await control(sim, 'PUT', '/devices/bells/fault', { mode: 'no-answer' });
    await expect(client.readCoils(0, 3)).rejects.toMatchObject({ message: 'Timed out' });
    await control(sim, 'DELETE', '/devices/bells/fault');
    await expect(client.readCoils(0, 3)).resolves.toBeDefined();
  });

  it('exception fault: answers with the configured code', async () => {
    await control(sim, 'PUT', '/devices/bells/fault', { mode: 'exception', code: 6 });
    await expect(client.readCoils(0, 3)).rejects.toMatchObject({ modbusCode: 6 });
  });

  it('refuses a drop fault on a serial line: there is no connection to drop', async () => {
    const { status, body } = await control(sim, 'PUT', '/devices/bells/fault', { mode: 'drop' });
    expect(status).toBe(409);
    expect(body.message).toMatch(/serial line/);
  });
});

describe('the bell controller behind a serial-to-Ethernet converter (RTU over TCP, as in the demo)', () => {
  let overTcp: SimulatorHarness;
  let tcpClient: ModbusRTU;

  beforeAll(async () => {
    overTcp = await startSimulator(
      {
        modbus: [
          {
            id: 'belfry-tcp',
            transport: { type: 'rtu-over-tcp', port: 0 },
            devices: [{ id: 'bells-tcp', kind: 'bell-controller', unit: 2 }],
          },
        ],
      },
      clock,
    );
    tcpClient = new ModbusRTU();
    await tcpClient.connectTelnet('127.0.0.1', { port: overTcp.ports['belfry-tcp']! });
    tcpClient.setID(2);
    tcpClient.setTimeout(300);
  });

  afterAll(() => overTcp.close());

  it('answers RTU frames over TCP', async () => {
    await tcpClient.writeCoil(2, true);
    expect((await tcpClient.readDiscreteInputs(0, 3)).data.slice(0, 3)).toEqual([false, false, true]);
  });

  it('wrong-unit fault: a reply from another unit is not taken for this one (the master times out)', async () => {
    await control(overTcp, 'PUT', '/devices/bells-tcp/fault', { mode: 'wrong-unit' });
    await expect(tcpClient.readCoils(0, 3)).rejects.toMatchObject({ message: 'Timed out' });
    await control(overTcp, 'DELETE', '/devices/bells-tcp/fault');
  });

  it('drop fault: the converter closes the connection', async () => {
    await control(overTcp, 'PUT', '/devices/bells-tcp/fault', { mode: 'drop' });
    await expect(tcpClient.readCoils(0, 3)).rejects.toBeDefined();
    expect(tcpClient.isOpen).toBe(false);
  });
});
