import { randomBytes } from 'node:crypto';
import { BUDGET, checkBudget, type OutputFile } from './budget';

const chunk = (
  fileName: string,
  source: string | Uint8Array,
  isEntry: boolean,
  imports: string[] = [],
): OutputFile => ({
  fileName,
  kind: 'chunk',
  isEntry,
  imports,
  source,
});

describe("the console's size budget", () => {
  it('counts the entry and its static imports, gzipped, and the CSS', () => {
    const report = checkBudget([
      chunk('assets/index.js', 'a'.repeat(10_000), true, ['assets/vendor.js']),
      chunk('assets/vendor.js', 'b'.repeat(10_000), false),
      chunk('assets/lazy.js', randomBytes(300_000), false),
      { fileName: 'assets/index.css', kind: 'asset', isEntry: false, imports: [], source: 'c'.repeat(1000) },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.initialJsBytes).toBeLessThan(1000);
    expect(report.cssBytes).toBeGreaterThan(0);
  });

  it('fails a build whose initial JavaScript or CSS is over budget, saying by how much', () => {
    const report = checkBudget([
      chunk('assets/index.js', 'x', true, ['assets/big.js']),
      chunk('assets/big.js', randomBytes(BUDGET.initialJsBytes + 1000), false),
      { fileName: 'assets/index.css', kind: 'asset', isEntry: false, imports: [], source: randomBytes(25 * 1024) },
    ]);
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^console: initial JavaScript is 9\d\.\d kB gzipped|^console: initial JavaScript is 10\d\.\d kB gzipped, over its budget of 100\.0 kB$/,
      ),
      expect.stringMatching(/^console: CSS is 2\d\.\d kB gzipped, over its budget of 20\.0 kB$/),
    ]);
  });

  it('fails a build whose initial JavaScript carries zod, naming the chunk; zod in a chunk loaded later is fine', () => {
    const zod = '/repo/node_modules/zod/v4/classic/schemas.js';
    const files = (entryModules: string[]): OutputFile[] => [
      { ...chunk('assets/index.js', 'x', true, ['assets/shared.js']), modules: ['/repo/apps/console/src/main.ts'] },
      { ...chunk('assets/shared.js', 'y', false), modules: entryModules },
      { ...chunk('assets/contract.js', 'z', false), modules: [zod, '/repo/libs/api/src/schemas.ts'] },
    ];
    expect(checkBudget(files(['/repo/libs/api/src/first-screen.ts'])).problems).toEqual([]);
    expect(checkBudget(files(['/repo/libs/api/src/first-screen.ts', zod])).problems).toEqual([
      'console: the initial JavaScript carries zod (assets/shared.js)',
    ]);
  });
  it('counts the scripts and stylesheets inlined into index.html: a page carrying its entry is over budget', () => {
    const html = (script: string, style: string) =>
      `<html><head><script type="module">${script}</script><style>${style}</style>` +
      '<script type="module" src="/assets/other.js"></script></head></html>';
    const page = (script: string, style: string): OutputFile => ({
      fileName: 'index.html',
      kind: 'asset',
      isEntry: false,
      imports: [],
      source: html(script, style),
    });
    const small = checkBudget([page('a'.repeat(1000), 'b'.repeat(1000)), chunk('assets/index.js', 'c', true)]);
    expect(small.problems).toEqual([]);
    expect(small.initialJsBytes).toBeGreaterThan(0);
    expect(small.cssBytes).toBeGreaterThan(0);
    const heavy = checkBudget([
      page(randomBytes(BUDGET.initialJsBytes).toString('base64'), randomBytes(BUDGET.cssBytes).toString('base64')),
      chunk('assets/index.js', 'c', true),
    ]);
    expect(heavy.initialJsBytes).toBeGreaterThan(BUDGET.initialJsBytes);
    expect(heavy.cssBytes).toBeGreaterThan(BUDGET.cssBytes);
    expect(heavy.problems).toHaveLength(2);
  });
});
