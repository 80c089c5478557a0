#!/usr/bin/env node
/**
 * `npm run build`: compiles the apps, the tools and the console into a new folder `dist.<id>` next to `dist`, then
 * points the `dist` symbolic link at it in one rename. `dist/` is therefore always one complete build: a process
 * started from it (`npx beffroi`, `npm start`) keeps reading its own build while the next one is written, and a
 * failed build leaves the previous one in place. The two previous builds are kept for processes still running on
 * them; older ones are removed.
 *
 * When the inputs (sources, configs of the compilers, lock file) are those of the current build, nothing is rebuilt
 * (`npm start` no longer spends its first 20 s compiling unchanged sources); `--force` rebuilds anyway.
 *
 * Plain JavaScript: it runs before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { join, relative, resolve } = require('node:path');

/** What a build reads, relative to the repository (folders are walked; specs and fixtures are not built). */
const INPUTS = [
  'apps',
  'libs',
  'tools',
  'test/bench',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
const NOT_BUILT = /(\.spec\.ts|\.fixtures\.ts)$/;
/** The file of a build that records the fingerprint of its inputs. */
const STAMP = '.build-inputs';
/** Builds kept besides the current one. */
const KEEP_PREVIOUS = 2;

/** The compilers, `{out}` being the new build's folder. */
const STEPS = [
  ['tsc', '-p', 'tsconfig.build.json', '--outDir', '{out}'],
  ['tsc-alias', '-p', 'tsconfig.build.json', '--outDir', '{out}'],
  ['vite', 'build', '--config', 'apps/console/vite.config.ts', '--outDir', '{out}/apps/console', '--emptyOutDir'],
];

/** A digest of every input file's path and content, and of the steps. */
function fingerprint(root, inputs, steps) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(steps));
  const visit = (path) => {
    if (!fs.existsSync(path)) return;
    const stat = fs.statSync(path);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(path).sort()) {
        if (name !== 'node_modules') visit(join(path, name));
      }
    } else if (!NOT_BUILT.test(path)) {
      hash.update(`${relative(root, path)}\0`);
      hash.update(fs.readFileSync(path));
      hash.update('\0');
    }
  };
  for (const input of inputs) visit(join(root, input));
  return hash.digest('hex');
}

/** The fingerprint the current `dist` was built from, if any. */
function currentStamp(root) {
  const stamp = join(root, 'dist', STAMP);
  return fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : undefined;
}

/** Points `dist` at `build` (a folder name next to it) in one rename; a `dist` folder of an older layout moves aside. */
function publish(root, build) {
  const dist = join(root, 'dist');
  const stat = fs.lstatSync(dist, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isSymbolicLink()) fs.renameSync(dist, join(root, `dist.${Date.now()}-old`));
  const link = join(root, `dist.link-${process.pid}`);
  fs.rmSync(link, { force: true });
  fs.symlinkSync(build, link, 'dir');
  fs.renameSync(link, dist);
}

/** When a build folder was started (its name begins with it). */
function builtAt(name) {
  return Number(name.split(/[.-]/)[1]);
}

/** Removes the builds older than the current one and the `keep` before it. */
function prune(root, keep) {
  const current = fs.readlinkSync(join(root, 'dist'));
  const builds = fs
    .readdirSync(root)
    .filter((name) => /^dist\.\d+-\w+$/.test(name) && name !== current)
    .sort((a, b) => builtAt(b) - builtAt(a));
  for (const name of builds.slice(keep)) fs.rmSync(join(root, name), { recursive: true, force: true });
}

/**
 * Builds `root` unless its `dist` is already the build of these inputs. Returns what it did; throws naming the step
 * that failed (the previous build stays published).
 */
function build(root, options = {}) {
  const inputs = options.inputs ?? INPUTS;
  const steps = options.steps ?? STEPS;
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const inputsDigest = fingerprint(root, inputs, steps);
  if (!options.force && currentStamp(root) === inputsDigest) {
    log(`build: dist/ is up to date (${inputsDigest.slice(0, 12)}), nothing to do`);
    return 'up-to-date';
  }
  const name = `dist.${Date.now()}-${inputsDigest.slice(0, 8)}`;
  const out = join(root, name);
  fs.rmSync(out, { recursive: true, force: true });
  for (const step of steps) {
    const [command, ...args] = step.map((part) => part.replace('{out}', out));
    const bin = join(root, 'node_modules', '.bin', command);
    const result = spawnSync(fs.existsSync(bin) ? bin : command, args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      fs.rmSync(out, { recursive: true, force: true });
      throw new Error(`build: ${step.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`})`);
    }
  }
  fs.writeFileSync(join(out, STAMP), inputsDigest);
  publish(root, name);
  prune(root, KEEP_PREVIOUS);
  log(`build: dist/ -> ${name}`);
  return 'built';
}

module.exports = { build, fingerprint, STAMP };

if (require.main === module) {
  try {
    build(resolve(__dirname, '..'), { force: process.argv.includes('--force') });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
