/**
 * `npm run bench:scan`: an RTU scan of units 1–247 at one baud rate (19200, 8E1) with a 50 ms timeout over a real
 * serial line (a socat pty pair), the simulator in its own process answering at units 2, 5 and 9. Prints the time
 * beside the physical bound computed in the same run, 247 × (timeout + frame time), where the frame time is the
 * probe request's 8 bytes of 11 bits at the baud rate (a silent unit sends nothing back), and the budget.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRtuProbeLine, type RtuLineSettings, scanRtuBus } from '@beffroi/fieldbus';
import type { ReadyMessage } from '@beffroi/runtime';
import { stringify } from 'yaml';
import { openPtyPair } from '../support/pty-pair';

const UNITS = Array.from({ length: 247 }, (_, i) => i + 1);
const TIMEOUT_MS = 50;
const LINE: RtuLineSettings = { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 };
const BUDGET_S = 15;
/** A probe request: unit, function, address, quantity, CRC; each byte is start + 8 data + parity + stop bits. */
const REQUEST_BYTES = 8;
const BITS_PER_BYTE = 11;
const DIST = join(__dirname, '..', '..');

async function startSimulator(path: string): Promise<ChildProcess> {
  const configPath = join(mkdtempSync(join(tmpdir(), 'beffroi-bench-scan-')), 'simulator.yaml');
  writeFileSync(
    configPath,
    stringify({
      control: { port: 0 },
      modbus: [
        {
          id: 'bus',
          transport: { type: 'rtu-serial', path, baudRate: LINE.baudRate },
          devices: [
            { id: 'cabinet', kind: 'lighting-cabinet', unit: 2 },
            { id: 'bells', kind: 'bell-controller', unit: 5 },
            { id: 'bank', kind: 'register-bank', unit: 9 },
          ],
        },
      ],
    }),
  );
  const child = fork(join(DIST, 'apps', 'simulator', 'src', 'main.js'), ['--config', configPath], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<ReadyMessage>((resolve) => child.once('message', resolve));
  return child;
}

async function main(): Promise<void> {
  const pty = await openPtyPair();
  const simulator = await startSimulator(pty.device);
  try {
    const result = await scanRtuBus(
      { path: pty.master, lines: [LINE] },
      { units: UNITS, timeoutMs: TIMEOUT_MS },
      { now: () => performance.now(), open: openRtuProbeLine },
    );
    const frameMs = ((REQUEST_BYTES * BITS_PER_BYTE) / LINE.baudRate) * 1000;
    const boundS = (UNITS.length * (TIMEOUT_MS + frameMs)) / 1000;
    const measuredS = result.durationMs / 1000;
    console.log(
      `\nScan bench: RTU units 1–247 at ${LINE.baudRate} 8E1, ${TIMEOUT_MS} ms timeout, over a pty pair ` +
        `(found units ${result.found.map((found) => found.unit).join(', ')})`,
    );
    console.table([
      {
        'measured s': measuredS.toFixed(2),
        'physical bound s': boundS.toFixed(2),
        'frame time ms': frameMs.toFixed(2),
        'measured / bound': (measuredS / boundS).toFixed(3),
        'budget s': BUDGET_S,
        'within budget': measuredS <= BUDGET_S ? 'yes' : 'no',
      },
    ]);
    if (measuredS > BUDGET_S) process.exitCode = 1;
  } finally {
    const exited = new Promise((resolve) => simulator.once('exit', resolve));
    simulator.kill('SIGTERM');
    await exited;
    await pty.close();
  }
}

void main();
