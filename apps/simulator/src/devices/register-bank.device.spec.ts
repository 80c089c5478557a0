import { ManualClock } from '@beffroi/runtime';
import { modbusDeviceSchema, type RegisterBankConfig } from '../simulator.config';
import { RegisterBank } from './register-bank.device';

function bank(config: Record<string, unknown>): RegisterBank {
  const parsed = modbusDeviceSchema.parse({ id: 'bank', kind: 'register-bank', unit: 1, registers: 4, ...config });
  return new RegisterBank(parsed as RegisterBankConfig, clock);
}

let clock: ManualClock;

beforeEach(() => {
  clock = new ManualClock(1_000_000);
});

describe('the register bank', () => {
  it('changes every register once a second: register n reads n + seconds since start', async () => {
    const changing = bank({});
    expect(changing.readRegisters('holding-register', 0, 4)).toEqual([0, 1, 2, 3]);
    await clock.advance(2500);
    expect(changing.readRegisters('holding-register', 0, 4)).toEqual([2, 3, 4, 5]);
  });

  it('keeps register n at n for ever when frozen', async () => {
    const frozen = bank({ frozen: true });
    await clock.advance(60_000);
    expect(frozen.readRegisters('holding-register', 0, 4)).toEqual([0, 1, 2, 3]);
  });

  it('refuses a frozen flag that is not a boolean, saying what it expects', () => {
    expect(() => bank({ frozen: 'yes' })).toThrow(/expected true or false/);
  });
});
