#!/usr/bin/env node
/**
 * `npm run lint`: the four checks of the sources — types (tsc), the console's components (svelte-check), ESLint with
 * type information, Prettier — run at the same time rather than one after the other: each is single-threaded and
 * ESLint alone takes most of the time, so on two cores the others finish in its shadow.
 *
 * Each check's output is printed whole when it ends, under its name and duration, so outputs never interleave. The
 * exit code is 1 when any check failed, and the last line names them.
 *
 * Plain JavaScript: it runs before anything is compiled.
 */
const { Buffer } = require('node:buffer');
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

/** The checks, slowest first (they start in this order). */
const CHECKS = [
  ['eslint', 'eslint', '.', '--max-warnings', '0'],
  ['tsc', 'tsc', '-p', 'tsconfig.json', '--noEmit'],
  ['svelte-check', 'svelte-check', '--tsconfig', 'apps/console/tsconfig.json', '--fail-on-warnings'],
  ['prettier', 'prettier', '--check', '.'],
];

/** Runs one check in `root`, resolving to its name, exit code, duration and output. */
function run(root, [name, command, ...args]) {
  const bin = join(root, 'node_modules', '.bin', command);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(existsSync(bin) ? bin : command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    const end = (code, cause) => {
      const text = Buffer.concat(output).toString() + (cause === undefined ? '' : `${cause}\n`);
      done({ name, code, seconds: (Date.now() - started) / 1000, text });
    };
    child.on('error', (error) => end(1, error.message));
    child.on('close', (code, signal) =>
      end(code ?? 1, signal === null ? undefined : `${name} was killed by ${signal}`),
    );
  });
}

async function lint(root) {
  const results = await Promise.all(
    CHECKS.map((check) =>
      run(root, check).then((result) => {
        const verdict = result.code === 0 ? 'passed' : `failed (exit code ${result.code})`;
        process.stdout.write(`\n== ${result.name}: ${verdict} in ${result.seconds.toFixed(1)} s\n${result.text}`);
        return result;
      }),
    ),
  );
  const failed = results.filter((result) => result.code !== 0).map((result) => result.name);
  process.stdout.write(failed.length === 0 ? '\nlint: every check passed\n' : `\nlint: failed: ${failed.join(', ')}\n`);
  return failed.length === 0;
}

lint(resolve(__dirname, '..')).then((passed) => process.exit(passed ? 0 : 1));
