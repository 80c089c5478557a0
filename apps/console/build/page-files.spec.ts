import { type BuiltChunk, pageFiles } from './page-files';

const chunk = (fileName: string, more: Partial<BuiltChunk> = {}): BuiltChunk => ({
  fileName,
  isEntry: false,
  facadeModuleId: null,
  imports: [],
  css: [],
  ...more,
});

/** The console's chunks as the build writes them: an inlined entry, the Parc's page, shared chunks, another page. */
const CHUNKS = [
  chunk('assets/index-abc.js', {
    isEntry: true,
    facadeModuleId: '/repo/apps/console/index.html',
    imports: ['assets/entry-only-111.js'],
    css: ['assets/index-def.css'],
  }),
  chunk('assets/entry-only-111.js'),
  chunk('assets/Fleet-123.js', {
    facadeModuleId: '/repo/apps/console/src/pages/syndicate/Fleet.svelte',
    imports: ['assets/index-abc.js', 'assets/grid-456.js'],
    css: ['assets/Fleet-789.css'],
  }),
  chunk('assets/grid-456.js', { imports: ['assets/index-abc.js', 'assets/rows-000.js'], css: ['assets/grid-aaa.css'] }),
  chunk('assets/rows-000.js', { imports: ['assets/grid-456.js'] }),
  chunk('assets/FleetMap-bbb.js', {
    facadeModuleId: '/repo/apps/console/src/pages/syndicate/FleetMap.svelte',
    imports: ['assets/index-abc.js'],
    css: ['assets/FleetMap-ccc.css'],
  }),
];

describe("a page's files, which index.html's inline script has the browser load early", () => {
  it("names the page's chunk, the chunks it imports through each other once each, then their stylesheets", () => {
    expect(pageFiles(CHUNKS, 'src/pages/syndicate/Fleet.svelte')).toEqual([
      '/assets/Fleet-123.js',
      '/assets/index-abc.js',
      '/assets/grid-456.js',
      '/assets/rows-000.js',
      '/assets/Fleet-789.css',
      '/assets/grid-aaa.css',
    ]);
  });

  it("names the entry's file but neither what the entry imports nor its stylesheet (the page has them)", () => {
    const files = pageFiles(CHUNKS, 'src/pages/syndicate/FleetMap.svelte');
    expect(files).toEqual(['/assets/FleetMap-bbb.js', '/assets/index-abc.js', '/assets/FleetMap-ccc.css']);
  });

  it('refuses a build without a chunk for the page, or with an import it does not hold', () => {
    expect(() => pageFiles(CHUNKS, 'src/pages/syndicate/Parc.svelte')).toThrow(
      'console: the build has no chunk of its own for src/pages/syndicate/Parc.svelte',
    );
    const broken = [...CHUNKS.slice(0, 3), chunk('assets/grid-456.js', { imports: ['assets/gone-1.js'] })];
    expect(() => pageFiles(broken, 'src/pages/syndicate/Fleet.svelte')).toThrow(
      'console: assets/grid-456.js imports assets/gone-1.js, which is not in the build',
    );
  });
});
