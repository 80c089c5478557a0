/**
 * `npm run bench:sync` (second part): the latency of a command through the whole product, with the simulator, central
 * and one gateway in their own processes (test/support/process-harness.ts, the configs of `npm start`), the
 * cabinet's contactor answering its feedback contact after `BENCH_FEEDBACK_DELAY` (default 20ms). Prints p50, p99
 * and max of:
 * - floor: a hand-written modbus-serial client writes the command coil and reads the feedback input until it follows
 *   (what any master pays on this machine);
 * - the gateway's local verified write (`POST /points/:key/write` answered `applied`);
 * - a command on central's API (`POST /api/gateways/:id/commands`): until the simulator accepted the coil write (its
 *   write journal), and until central announces the command `applied` on its event stream (the gateway saw the
 *   feedback follow and reported the result), with the two steps in between (the result's instant is the gateway's,
 *   the same machine's clock).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ModbusRTU from 'modbus-serial';
import { CABINET_MAP } from '../../apps/simulator/src/devices/lighting-cabinet.device';
import { ProcessHarness, request } from '../support/process-harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const WARM_UP = 10;
const FEEDBACK_DELAY = process.env.BENCH_FEEDBACK_DELAY ?? '20ms';
const GATEWAY = 'gw-saint-quentin-centre';
const CABINET = 'cabinet-hotel-de-ville';
/** Circuit 3: no schedule drives it in the demo config. */
const CIRCUIT = 3;
const POINT = `${CABINET}:circuit.${CIRCUIT}.command`;
const COIL = CABINET_MAP.coil.command + CIRCUIT - 1;
const FEEDBACK = CABINET_MAP.discreteInput.feedback + CIRCUIT - 1;

interface Journal {
  total: number;
  writes: { n: number; at: string; table: string; address: number; value: unknown }[];
}

/** Central's event stream, read as it comes: the instant each command was announced applied (or otherwise final). */
class CommandEvents {
  readonly finished = new Map<string, { status: string; at: number }>();
  private readonly waiters = new Map<string, () => void>();
  private readonly abort = new AbortController();

  static async open(url: string): Promise<CommandEvents> {
    const events = new CommandEvents();
    const response = await fetch(url, { signal: events.abort.signal });
    if (!response.ok || response.body === null) throw new Error(`event stream: HTTP ${response.status}`);
    void events.read(response.body);
    return events;
  }

  finishedOf(id: string, timeoutMs = 10_000): Promise<{ status: string; at: number }> {
    const known = this.finished.get(id);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`command ${id}: no final status after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.set(id, () => {
        clearTimeout(timer);
        resolve(this.finished.get(id)!);
      });
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        const at = performance.timeOrigin + performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.onEvent(buffer.slice(0, end), at);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    }
  }

  private onEvent(text: string, at: number): void {
    const lines = text.split('\n');
    if (!lines.includes('event: command')) return;
    const data = lines.find((line) => line.startsWith('data: '));
    if (data === undefined) return;
    const { id, status } = JSON.parse(data.slice('data: '.length)) as { id: string; status: string };
    if (status === 'queued' || status === 'sent') return;
    this.finished.set(id, { status, at });
    this.waiters.get(id)?.();
  }
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

async function floor(port: number): Promise<number[]> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(2000);
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const value = i % 2 === 0;
      const started = performance.now();
      await client.writeCoil(COIL, value);
      while ((await client.readDiscreteInputs(FEEDBACK, 1)).data[0] !== value);
      if (i >= WARM_UP) samples.push(performance.now() - started);
    }
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
  return samples;
}

async function main(): Promise<void> {
  const simulatorYaml = readFileSync(join(__dirname, '..', '..', '..', 'config', 'simulator.yaml'), 'utf8');
  const harness = await ProcessHarness.start({
    files: { 'simulator.yaml': simulatorYaml.replace(/feedbackDelay: \S+/, `feedbackDelay: ${FEEDBACK_DELAY}`) },
    gateway: (config) => {
      config.control = { ...(config.control as object), minimumOnOff: '0s' };
    },
  });
  try {
    const token = await harness.login('agent@02691', 'demo-agent-02691');
    const central = harness.url('central');
    const gateway = harness.url('gateway');
    for (;;) {
      const status = (await request(`${gateway}/sync`)).body as { connected: boolean };
      if (status.connected) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const floorMs = await floor(harness.equipment['street-lighting'] ?? 0);

    const localMs: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const started = performance.now();
      const answer = await request(`${gateway}/points/${POINT}/write`, 'POST', { value: i % 2 === 0 });
      if (answer.body?.status !== 'applied') throw new Error(`local write: ${JSON.stringify(answer.body)}`);
      if (i >= WARM_UP) localMs.push(performance.now() - started);
    }

    const events = await CommandEvents.open(`${central}/api/events?access_token=${token}`);
    const journal = async () =>
      (await request(`${harness.url('simulator')}/devices/${CABINET}/writes`)).body as Journal;
    const writtenMs: number[] = [];
    const resultMs: number[] = [];
    const reportedMs: number[] = [];
    const appliedMs: number[] = [];
    try {
      for (let i = 0; i < WARM_UP + ROUNDS; i++) {
        const value = i % 2 === 1;
        const before = (await journal()).total;
        const started = performance.timeOrigin + performance.now();
        const command = await request(
          `${central}/api/gateways/${GATEWAY}/commands`,
          'POST',
          { action: 'switch', pointKey: POINT, value },
          token,
        );
        if (command.status !== 202) throw new Error(`command: ${command.status} ${JSON.stringify(command.body)}`);
        const finished = await events.finishedOf(String(command.body.id));
        if (finished.status !== 'applied') throw new Error(`command ${String(command.body.id)}: ${finished.status}`);
        const write = (await journal()).writes.find(
          (w) => w.n > before && w.table === 'coil' && w.address === COIL && w.value === value,
        );
        if (write === undefined) throw new Error(`command ${String(command.body.id)}: no coil write in the journal`);
        // The result's instant as the gateway made it (central keeps it as the command's last update).
        const made = Date.parse(
          String(
            (await request(`${central}/api/commands/${String(command.body.id)}`, 'GET', undefined, token)).body
              .updatedAt,
          ),
        );
        if (i >= WARM_UP) {
          writtenMs.push(Date.parse(write.at) - started);
          resultMs.push(made - Date.parse(write.at));
          reportedMs.push(finished.at - made);
          appliedMs.push(finished.at - started);
        }
      }
    } finally {
      events.close();
    }

    const row = (what: string, samples: number[]) => {
      const { p50, p99, max } = percentiles(samples);
      return { what, p50: p50.toFixed(1), p99: p99.toFixed(1), max: max.toFixed(1) };
    };
    const applied = percentiles(appliedMs);
    console.log(
      `\nCommand latency, ${ROUNDS} rounds each after ${WARM_UP} of warm-up, circuit ${CIRCUIT} of the demo cabinet ` +
        `(Modbus TCP, contactor feedback after ${FEEDBACK_DELAY}), milliseconds`,
    );
    console.table([
      row('floor: modbus-serial writes the coil, reads the feedback until it follows', floorMs),
      row('gateway local API: verified write answered applied', localMs),
      row('central API → coil written in the simulator', writtenMs),
      row('  then → result made on the gateway (feedback followed)', resultMs),
      row('  then → announced applied by central (outbox, socket, store, event)', reportedMs),
      row('central API → command applied on the event stream', appliedMs),
    ]);
    console.log(
      `central command applied: p99 ${applied.p99.toFixed(1)} ms (target ≤ 100 ms), ` +
        `×${(applied.p50 / percentiles(floorMs).p50).toFixed(2)} the floor at p50`,
    );
  } finally {
    await harness.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
