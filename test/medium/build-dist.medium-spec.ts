import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../tools/build';

/**
 * The build step of these tests, a real process: it notes what `dist/` showed while it ran, then copies
 * src/version.txt into the new build.
 */
const STEP = `
const fs = require('node:fs');
const [out, root] = process.argv.slice(1);
const seen = fs.existsSync(root + '/dist/version.txt') ? fs.readFileSync(root + '/dist/version.txt', 'utf8') : 'none';
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(out + '/seen-during-build.txt', seen);
if (fs.readFileSync(root + '/src/version.txt', 'utf8') === 'broken') process.exit(3);
fs.writeFileSync(out + '/version.txt', fs.readFileSync(root + '/src/version.txt'));
`;

let root: string;
const steps = () => [[process.execPath, '-e', STEP, '{out}', root]];
const run = (force = false) => build(root, { inputs: ['src'], steps: steps(), force, log: () => undefined });
const source = (version: string) => writeFileSync(join(root, 'src', 'version.txt'), version);
const dist = (file: string) => readFileSync(join(root, 'dist', file), 'utf8');
const builds = () => readdirSync(root).filter((name) => name.startsWith('dist.'));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'beffroi-build-'));
  mkdirSync(join(root, 'src'));
  source('v1');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('npm run build (tools/build.js)', () => {
  it('does not rebuild when no input changed, and rebuilds when one did or when forced', () => {
    expect(run()).toBe('built');
    const first = readlinkSync(join(root, 'dist'));
    expect(run()).toBe('up-to-date');
    expect(readlinkSync(join(root, 'dist'))).toBe(first);

    source('v2');
    expect(run()).toBe('built');
    expect(dist('version.txt')).toBe('v2');
    expect(run(true)).toBe('built');
    expect(readlinkSync(join(root, 'dist'))).not.toBe(first);
  });

  it('publishes a build in one step: dist/ shows the previous complete build while the next one is written', () => {
    run();
    const previous = readlinkSync(join(root, 'dist'));
    source('v2');
    run();
    expect(lstatSync(join(root, 'dist')).isSymbolicLink()).toBe(true);
    expect(dist('seen-during-build.txt')).toBe('v1');
    expect(dist('version.txt')).toBe('v2');
    // A process started on the previous build keeps its files.
    expect(readFileSync(join(root, previous, 'version.txt'), 'utf8')).toBe('v1');
  });

  it('a failed build names its step and leaves the previous build published, with no half-written folder', () => {
    run();
    const published = readlinkSync(join(root, 'dist'));
    source('broken');
    expect(() => run()).toThrow(/^build: .* failed \(exit code 3\)$/s);
    expect(readlinkSync(join(root, 'dist'))).toBe(published);
    expect(dist('version.txt')).toBe('v1');
    expect(builds()).toEqual([published]);
  });

  it('keeps the current build and the two before it', () => {
    for (const version of ['v1', 'v2', 'v3', 'v4', 'v5']) {
      source(version);
      run();
    }
    const kept = builds().map((name) => readFileSync(join(root, name, 'version.txt'), 'utf8'));
    expect(kept.sort()).toEqual(['v3', 'v4', 'v5']);
    expect(dist('version.txt')).toBe('v5');
  });

  it('replaces a dist/ folder of the older in-place layout by the link', () => {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'version.txt'), 'in place');
    expect(run()).toBe('built');
    expect(lstatSync(join(root, 'dist')).isSymbolicLink()).toBe(true);
    expect(dist('version.txt')).toBe('v1');
    expect(existsSync(join(root, 'dist', 'seen-during-build.txt'))).toBe(true);
  });
});
