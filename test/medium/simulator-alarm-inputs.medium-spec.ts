import ModbusRTU from 'modbus-serial';
import { ManualClock } from '@beffroi/runtime';
import { control, type SimulatorHarness, startSimulator } from '../support/simulator-harness';

const clock = new ManualClock(Date.UTC(2027, 0, 1, 17, 0, 0));
let sim: SimulatorHarness;
let client: ModbusRTU;

beforeAll(async () => {
  sim = await startSimulator(
    {
      modbus: [
        {
          id: 'street',
          transport: { type: 'tcp', port: 0 },
          devices: [{ id: 'cabinet', kind: 'lighting-cabinet', unit: 1, circuits: 4, feedbackDelay: 0 }],
        },
      ],
    },
    clock,
  );
  client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port: sim.ports.street ?? 0 });
  client.setID(1);
  client.setTimeout(300);
});

afterAll(async () => {
  await new Promise<void>((resolve) => client.close(() => resolve()));
  await sim.close();
});

async function feedbacks(): Promise<boolean[]> {
  return (await client.readDiscreteInputs(0, 4)).data.slice(0, 4);
}

describe('simulated cabinet: broken feedback contacts', () => {
  it('shows what a stuck contact shows whatever its contactor does, until repaired', async () => {
    await client.writeCoils(0, [true, true, false, false]);
    expect(await feedbacks()).toEqual([true, true, false, false]);

    const { status, body } = await control(sim, 'POST', '/devices/cabinet/inputs', {
      stuckFeedback: [
        { circuit: 1, value: false },
        { circuit: 3, value: true },
      ],
    });
    expect(status).toBe(200);
    expect((body as { circuits: unknown[] }).circuits.slice(0, 3)).toEqual([
      expect.objectContaining({ circuit: 1, command: true, energised: true, feedback: false, feedbackStuck: true }),
      expect.objectContaining({ circuit: 2, command: true, energised: true, feedback: true }),
      expect.objectContaining({ circuit: 3, command: false, energised: false, feedback: true, feedbackStuck: true }),
    ]);
    expect(await feedbacks()).toEqual([false, true, true, false]);
    await client.writeCoils(0, [false, false, false, false]);
    expect(await feedbacks()).toEqual([false, false, true, false]);

    await control(sim, 'POST', '/devices/cabinet/inputs', { stuckFeedback: [] });
    expect(await feedbacks()).toEqual([false, false, false, false]);
  });

  it('rejects a circuit the cabinet does not have, naming it', async () => {
    const { status, body } = await control(sim, 'POST', '/devices/cabinet/inputs', {
      stuckFeedback: [{ circuit: 9, value: false }],
    });
    expect(status).toBe(400);
    expect(body.problems).toEqual([{ path: 'stuckFeedback[0].circuit', message: 'expected integer 1..4, got 9' }]);
  });
});
