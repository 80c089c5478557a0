/** A chunk as the bundler wrote it, as far as the files of a page go. */
export interface BuiltChunk {
  /** `assets/<name>-<hash>.js`. */
  readonly fileName: string;
  readonly isEntry: boolean;
  /** The module the chunk stands for (a page's `.svelte` file for a page's chunk), null for a shared chunk. */
  readonly facadeModuleId: string | null;
  /** The chunks it imports statically (file names). */
  readonly imports: readonly string[];
  /** The stylesheets it needs (file names). */
  readonly css: readonly string[];
}

/**
 * The files a page loaded with `import()` needs before it runs, as the paths the browser asks for (`/assets/…`): the
 * chunk of `module` (its path from the console's folder, `src/pages/syndicate/Fleet.svelte`), the chunks it imports
 * statically (through each other), and their stylesheets. The entry's file is named (a page imports the console's
 * shared code from it, the bridge to the inline entry) but not the chunks it imports: the page's inline entry has
 * loaded those already.
 */
export function pageFiles(chunks: readonly BuiltChunk[], module: string): string[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const page = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(`/${module}`) === true && !chunk.isEntry);
  if (page === undefined) throw new Error(`console: the build has no chunk of its own for ${module}`);
  const scripts: string[] = [];
  const sheets = new Set<string>();
  const visit = (chunk: BuiltChunk): void => {
    if (scripts.includes(chunk.fileName)) return;
    scripts.push(chunk.fileName);
    if (chunk.isEntry) return;
    for (const sheet of chunk.css) sheets.add(sheet);
    for (const imported of chunk.imports) {
      const next = byName.get(imported);
      if (next === undefined)
        throw new Error(`console: ${chunk.fileName} imports ${imported}, which is not in the build`);
      visit(next);
    }
  };
  visit(page);
  return [...scripts, ...sheets].map((fileName) => `/${fileName}`);
}
