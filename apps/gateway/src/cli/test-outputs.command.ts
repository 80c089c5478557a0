import { readFileSync } from 'node:fs';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { machineClock } from '@beffroi/runtime';
import type { TestRunView } from '../commissioning/test-run.service';
import { CliUsageError, numberOption, parseOptions } from './cli-args';
import { type CliOutput, table } from './scan.command';

/** The environment variables a credential is taken from: a field token first, else the local credential. */
export const FIELD_TOKEN_ENV = 'BEFFROI_FIELD_TOKEN';
export const LOCAL_PASSWORD_ENV = 'BEFFROI_GATEWAY_PASSWORD';
/** How often the command looks at the run. */
const POLL_MS = 300;

/** What `test-outputs` needs besides its output: the engineer's answers and the credentials of the environment. */
export interface TestOutputsIo extends CliOutput {
  /** Asks the engineer and resolves with the line typed (null: no terminal to ask, the prompt is skipped). */
  ask: (question: string) => Promise<string | null>;
  env: Readonly<Record<string, string | undefined>>;
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * `beffroi test-outputs --equipment <id> | --all`: the gateway's commissioning test sequence through its local API
 * (which works with central unreachable), following each step on stderr, asking the engineer at each prompt, and
 * printing the results as a table (or the run as JSON). Exit code 0 when the run passed, 1 otherwise.
 */
export async function testOutputsCommand(argv: readonly string[], io: TestOutputsIo): Promise<number> {
  const options = parseOptions(
    argv,
    ['gateway', 'equipment', 'cacert', 'prompt-timeout'],
    ['all', 'no-alarms', 'json'],
  );
  const equipment = options.get('equipment');
  if ((equipment === undefined) === !options.has('all')) {
    throw new CliUsageError('give --equipment <id> or --all (one of them)');
  }
  const base = options.get('gateway') ?? 'http://127.0.0.1:8081';
  if (!/^https?:\/\/[^/]+\/?$/.test(base)) {
    throw new CliUsageError(
      `--gateway: expected the local API's address such as https://192.168.1.10:8081, got "${base}"`,
    );
  }
  const cacert = options.get('cacert');
  const api = client(
    base.replace(/\/$/, ''),
    authorization(io.env),
    cacert === undefined ? undefined : readFileSync(cacert),
  );
  const body = {
    ...(equipment === undefined ? { all: true } : { equipment }),
    options: {
      alarms: !options.has('no-alarms'),
      promptTimeout: numberOption(options, 'prompt-timeout', 5, 3600, 300),
    },
  };
  const started = await api('POST', '/commissioning/tests', body);
  if (started.status !== 202) throw new Error(refusal(started));
  const { id } = started.body as TestRunView;
  io.err(`test-outputs: run ${id} started on ${(started.body as TestRunView).equipment.join(', ')}`);
  const abort = () => void api('DELETE', `/commissioning/tests/${id}`);
  io.signal?.addEventListener('abort', abort, { once: true });
  const told = new Set<number>();
  let asked: number | undefined;
  let run = started.body as TestRunView;
  while (run.state === 'running') {
    await machineClock.sleep(POLL_MS);
    const answer = await api('GET', `/commissioning/tests/${id}`);
    if (answer.status !== 200) throw new Error(refusal(answer));
    run = answer.body as TestRunView;
    for (const step of run.steps) {
      if (told.has(step.index) || !['passed', 'failed', 'skipped'].includes(step.state)) continue;
      told.add(step.index);
      io.err(`  ${step.state.padEnd(7)} ${step.key}  ${step.detail ?? ''}`);
    }
    if (run.prompt !== null && run.prompt.step !== asked) {
      asked = run.prompt.step;
      const typed = await io.ask(`${run.prompt.text}\n[Entrée : confirmer, s : passer] `);
      const given = typed === null || typed.trim().toLowerCase().startsWith('s') ? 'skip' : 'confirm';
      await api('POST', `/commissioning/tests/${id}/answer`, { answer: given });
    }
  }
  io.signal?.removeEventListener('abort', abort);
  if (options.has('json')) io.out(JSON.stringify(run));
  else printRun(run, io);
  return run.state === 'passed' ? 0 : 1;
}

function printRun(run: TestRunView, io: CliOutput): void {
  table([
    ['#', 'equipment', 'test', 'point', 'result', 'latency', 'detail'],
    ...run.steps.map((step) => [
      String(step.index),
      step.equipment,
      step.kind,
      step.key.slice(step.equipment.length + 1),
      step.state,
      Object.entries(step.latencyMs)
        .map(([name, ms]) => `${name} ${ms} ms`)
        .join(', ') || '-',
      step.detail ?? '',
    ]),
  ]).forEach(io.out);
  const { passed, failed, skipped } = run.summary;
  io.out(`run ${run.id} ${run.state}: ${passed} passed, ${failed} failed, ${skipped} skipped (by ${run.startedBy})`);
}

function authorization(env: TestOutputsIo['env']): string {
  const token = env[FIELD_TOKEN_ENV];
  if (token !== undefined && token !== '') return `Bearer ${token}`;
  const password = env[LOCAL_PASSWORD_ENV];
  if (password !== undefined && password !== '') return `Basic ${Buffer.from(`local:${password}`).toString('base64')}`;
  throw new CliUsageError(
    `no credential: set ${FIELD_TOKEN_ENV} (a field token from central) or ${LOCAL_PASSWORD_ENV} (the gateway's local credential)`,
  );
}

function refusal(answer: Answer): string {
  const body = answer.body as { code?: string; message?: string } | null;
  return `the gateway answered ${answer.status}${body?.code === undefined ? '' : ` ${body.code}`}: ${body?.message ?? JSON.stringify(answer.body)}`;
}

/** JSON requests to the local API, over HTTPS with `ca` (the gateway's self-signed certificate) when given. */
function client(base: string, auth: string, ca: Buffer | undefined) {
  return (method: string, path: string, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const url = new URL(`${base}${path}`);
      const headers = {
        authorization: auth,
        ...(text === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }),
      };
      const done = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: raw === '' ? null : (JSON.parse(raw) as unknown) });
          } catch {
            reject(new Error(`${method} ${url.href}: not a JSON answer (is it the gateway's local API?)`));
          }
        });
      };
      const sent =
        url.protocol === 'https:'
          ? httpsRequest(url, { method, headers, ...(ca === undefined ? {} : { ca }) }, done)
          : httpRequest(url, { method, headers }, done);
      sent.on('error', (error) => reject(new Error(`cannot reach the gateway at ${base}: ${error.message}`)));
      sent.end(text);
    });
}
