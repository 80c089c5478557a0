import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { API_ROUTES } from '../../libs/api/src/routes.ts';
import { checkBudget, type OutputFile } from './build/budget.ts';
import { inlineEntry } from './build/inline-entry.ts';
import { type BuiltChunk, pageFiles } from './build/page-files.ts';
import { prefetchScript } from './src/lib/prefetch.ts';
import { SESSION_KEY } from './src/lib/session.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Fails the build when the first visit would download more than the budget (build/budget.ts). */
function budget(): Plugin {
  return {
    name: 'beffroi-budget',
    apply: 'build',
    // After the entry is inlined: the page's inline script is what the first visit runs.
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const files: OutputFile[] = Object.values(bundle).map((item) =>
          item.type === 'chunk'
            ? {
                fileName: item.fileName,
                kind: 'chunk',
                isEntry: item.isEntry,
                imports: item.imports,
                source: item.code,
                modules: item.moduleIds,
              }
            : { fileName: item.fileName, kind: 'asset', isEntry: false, imports: [], source: item.source },
        );
        const report = checkBudget(files);
        if (report.problems.length > 0) this.error(report.problems.join('; '));
      },
    },
  };
}

/**
 * Puts the entry script and its stylesheet into index.html (build/inline-entry.ts): on a slow mobile network each
 * request costs about half a second, and the first screen then needs none after the page's own. The entry's file stays
 * as a bridge for the pages loaded later; its stylesheet's file, which nothing else links to, is dropped.
 */
function inline(): Plugin {
  return {
    name: 'beffroi-inline-entry',
    apply: 'build',
    enforce: 'post',
    // After Vite has written the chunks' preload lists and index.html.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const page = bundle['index.html'];
        const entries = Object.values(bundle).filter((item) => item.type === 'chunk' && item.isEntry);
        const entry = entries[0];
        if (page?.type !== 'asset' || entry?.type !== 'chunk' || entries.length !== 1) {
          this.error('console: the build has no index.html with one entry script to inline');
        }
        const stylesheets = [...(entry.viteMetadata?.importedCss ?? [])].map((fileName) => {
          const sheet = bundle[fileName];
          if (sheet?.type !== 'asset') this.error(`console: the entry's stylesheet ${fileName} is not in the build`);
          return { fileName, source: String(sheet.source) };
        });
        const inlined = inlineEntry(
          String(page.source),
          {
            fileName: entry.fileName,
            code: entry.code,
            imports: [...entry.imports, ...entry.dynamicImports],
          },
          stylesheets,
        );
        page.source = inlined.html;
        entry.code = inlined.bridge;
        for (const sheet of stylesheets) Reflect.deleteProperty(bundle, sheet.fileName);
      },
    },
  };
}

/** The Parc's page, whose files the inline script has the browser load beside the fleet. */
const FLEET_PAGE = 'src/pages/syndicate/Fleet.svelte';

/**
 * Inlines the script that asks for "Ma commune"'s overview, or the Parc's fleet, while the console's own script is
 * still on its way (src/lib/prefetch.ts). Central's Content-Security-Policy allows it by the hash of its text, computed
 * when serving. Once the chunks are written, the build names the Parc's files in it (build/page-files.ts), which the
 * script then asks for beside the fleet.
 */
function prefetch(): Plugin {
  const routes = { overview: API_ROUTES.communeOverview.path, fleet: API_ROUTES.fleet.path };
  const tag = (fleetPage: readonly string[]) =>
    `<script>${prefetchScript({ ...routes, fleetPage }, SESSION_KEY)}</script>`;
  return {
    name: 'beffroi-prefetch',
    transformIndexHtml: {
      order: 'pre',
      // Right after the title, before the stylesheet: a classic script placed after one waits for it to load.
      handler: (html) => {
        if (!html.includes('</title>')) throw new Error('index.html has no <title> to put the prefetch script after');
        return html.replace('</title>', `</title>\n    ${tag([])}`);
      },
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const page = bundle['index.html'];
        if (page?.type !== 'asset' || !String(page.source).includes(tag([]))) {
          this.error('console: the build has no index.html with the prefetch script to name the Parc in');
        }
        const chunks: BuiltChunk[] = Object.values(bundle).flatMap((item) =>
          item.type === 'chunk'
            ? [
                {
                  fileName: item.fileName,
                  isEntry: item.isEntry,
                  facadeModuleId: item.facadeModuleId,
                  imports: item.imports,
                  css: [...(item.viteMetadata?.importedCss ?? [])],
                },
              ]
            : [],
        );
        page.source = String(page.source).replace(tag([]), () => tag(pageFiles(chunks, FLEET_PAGE)));
      },
    },
  };
}

/** The console: built into dist/apps/console, which central serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), prefetch(), inline(), budget()],
  resolve: { alias: { '@beffroi/api': resolve(ROOT, 'libs/api/src') } },
  build: {
    outDir: resolve(ROOT, 'dist/apps/console'),
    emptyOutDir: true,
    assetsDir: 'assets',
  },
  logLevel: 'warn',
});
