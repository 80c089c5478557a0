import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { checkBudget, type OutputFile } from './build/budget.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Fails the build when the first visit would download more than the budget (build/budget.ts). */
function budget(): Plugin {
  return {
    name: 'beffroi-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files: OutputFile[] = Object.values(bundle).map((item) =>
        item.type === 'chunk'
          ? { fileName: item.fileName, kind: 'chunk', isEntry: item.isEntry, imports: item.imports, source: item.code }
          : { fileName: item.fileName, kind: 'asset', isEntry: false, imports: [], source: item.source },
      );
      const report = checkBudget(files);
      if (report.problems.length > 0) this.error(report.problems.join('; '));
    },
  };
}

/** The console: built into dist/apps/console, which central serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), budget()],
  resolve: { alias: { '@beffroi/api': resolve(ROOT, 'libs/api/src') } },
  build: {
    outDir: resolve(ROOT, 'dist/apps/console'),
    emptyOutDir: true,
    assetsDir: 'assets',
  },
  logLevel: 'warn',
});
