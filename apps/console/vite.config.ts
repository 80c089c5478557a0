import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { API_ROUTES } from '../../libs/api/src/routes.ts';
import { checkBudget, type OutputFile } from './build/budget.ts';
import { prefetchScript } from './src/lib/prefetch.ts';
import { SESSION_KEY } from './src/lib/session.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Fails the build when the first visit would download more than the budget (build/budget.ts). */
function budget(): Plugin {
  return {
    name: 'beffroi-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
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
  };
}

/**
 * Inlines the script that asks for "Ma commune"'s overview while the console's own script is still on its way
 * (src/lib/prefetch.ts). Central's Content-Security-Policy allows it by the hash of its text, computed when serving.
 */
function prefetch(): Plugin {
  const script = `<script>${prefetchScript(API_ROUTES.communeOverview.path, SESSION_KEY)}</script>`;
  return {
    name: 'beffroi-prefetch',
    transformIndexHtml: {
      order: 'pre',
      // Right after the title, before the stylesheet: a classic script placed after one waits for it to load.
      handler: (html) => {
        if (!html.includes('</title>')) throw new Error('index.html has no <title> to put the prefetch script after');
        return html.replace('</title>', `</title>\n    ${script}`);
      },
    },
  };
}

/** The console: built into dist/apps/console, which central serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), prefetch(), budget()],
  resolve: { alias: { '@beffroi/api': resolve(ROOT, 'libs/api/src') } },
  build: {
    outDir: resolve(ROOT, 'dist/apps/console'),
    emptyOutDir: true,
    assetsDir: 'assets',
  },
  logLevel: 'warn',
});
