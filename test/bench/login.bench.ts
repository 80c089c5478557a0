/**
 * `npm run bench:login`: central in its own process (dist/, as in production) under a burst of wrong passwords.
 * One client address sends waves of `BENCH_BURST` parallel login attempts (default 100) with wrong passwords for
 * `BENCH_SECONDS` (default 5); meanwhile another address asks `GET /health` and logs in with the right password.
 * Prints the latency of both (p50, p99, max) on an idle central (the baseline), during the burst with the login
 * throttle as configured by default, and during the same burst with throttling switched off, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, type CentralProcess, startCentralProcess } from './central-process';

const BURST = Number(process.env.BENCH_BURST ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ATTACKER = '127.0.0.9';
const USER = '127.0.0.1';

/** A login over a socket bound to `localAddress`: its status and how long it took (ms). */
function timedRequest(
  central: CentralProcess,
  localAddress: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, central.url),
      { method, localAddress, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms (n=${sorted.length})`;
}

/** Health and real-login latencies from the user's address while `attack` runs (or for `SECONDS` if none). */
async function measure(central: CentralProcess, attack: boolean) {
  const health: number[] = [];
  const logins: number[] = [];
  let refusedLogins = 0;
  let attempts = 0;
  let answered429 = 0;
  const until = performance.now() + SECONDS * 1000;
  const attacker = (async () => {
    while (attack && performance.now() < until) {
      const wave = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          timedRequest(central, ATTACKER, 'POST', '/api/auth/login', { login: `guess-${i % 10}`, password: 'nope' }),
        ),
      );
      attempts += wave.length;
      answered429 += wave.filter((answer) => answer.status === 429).length;
    }
  })();
  const user = (async () => {
    let n = 0;
    while (performance.now() < until) {
      health.push((await timedRequest(central, USER, 'GET', '/health')).ms);
      if (++n % 20 === 0) {
        const login = await timedRequest(central, USER, 'POST', '/api/auth/login', {
          login: 'admin@useda',
          password: BENCH_PASSWORD,
        });
        if (login.status === 200) logins.push(login.ms);
        else refusedLogins++;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await Promise.all([attacker, user]);
  return { health, logins, refusedLogins, attempts, answered429 };
}

async function run(label: string, extra: Record<string, unknown>, attack: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-bench-login-'));
  const central = await startCentralProcess(dir, extra);
  try {
    const result = await measure(central, attack);
    console.log(label);
    console.log(`  GET /health            ${summary(result.health)}`);
    console.log(`  right password login   ${summary(result.logins)}; refused: ${result.refusedLogins}`);
    if (attack) {
      console.log(`  wrong attempts sent     ${result.attempts}, answered 429 at once: ${result.answered429}`);
    }
  } finally {
    central.child.kill('SIGTERM');
    await new Promise((resolve) => central.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`central process; ${BURST} parallel wrong logins per wave from ${ATTACKER} for ${SECONDS} s`);
  await run('idle (baseline)', {}, false);
  await run('burst, default throttle', {}, true);
  const off = { freeFailures: 1_000, lockAfter: 100_000, concurrent: 1_000 };
  await run(
    'burst, throttle off (same burst, for comparison)',
    { auth: { throttle: { perLogin: off, perAddress: off } } },
    true,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
