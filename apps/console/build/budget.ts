import { gzipSync } from 'node:zlib';

/**
 * What a first visit may download, gzipped: the scripts inlined into index.html (the entry, see inline-entry.ts) and
 * the entry's file with its static imports; the stylesheets, as files or inlined.
 */
export const BUDGET = { initialJsBytes: 100 * 1024, cssBytes: 20 * 1024 } as const;

export interface OutputFile {
  readonly fileName: string;
  readonly kind: 'chunk' | 'asset';
  readonly isEntry: boolean;
  /** Static imports (chunks loaded with the entry, not on demand). */
  readonly imports: readonly string[];
  readonly source: string | Uint8Array;
  /** The modules bundled into a chunk (their resolved paths). */
  readonly modules?: readonly string[];
}

/**
 * Packages the first visit must not download: zod, which the contract's schemas need, comes in a chunk of its own
 * after "Ma commune" is shown (`loadContract` in src/lib/api-client.ts); a static import of a schema would bring it
 * back into the entry script, about a third of its size.
 */
export const NOT_INITIAL = ['zod'] as const;

export interface BudgetReport {
  readonly initialJsBytes: number;
  readonly cssBytes: number;
  /** One sentence per budget exceeded; empty when the build fits. */
  readonly problems: readonly string[];
}

/** The text of the inline scripts (no `src`) and of the `<style>` elements of a page. */
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style>/g;

/** Sizes the initial JavaScript and the CSS of a build, gzipped, against {@link BUDGET}. */
export function checkBudget(files: readonly OutputFile[], budget: typeof BUDGET = BUDGET): BudgetReport {
  const byName = new Map(files.map((file) => [file.fileName, file]));
  const initial = new Set<string>();
  const visit = (name: string): void => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const imported of byName.get(name)?.imports ?? []) visit(imported);
  };
  for (const file of files) if (file.kind === 'chunk' && file.isEntry) visit(file.fileName);
  const gzipped = (file: OutputFile) => gzipSync(file.source).length;
  const pages = files.filter((file) => file.fileName.endsWith('.html')).map((file) => String(file.source));
  const inlined = (pattern: RegExp) =>
    pages.flatMap((html) => [...html.matchAll(pattern)].map(([, text]) => text ?? '')).filter((text) => text !== '');
  const inlinedBytes = (pattern: RegExp) => inlined(pattern).reduce((sum, text) => sum + gzipSync(text).length, 0);
  const initialJsBytes =
    inlinedBytes(INLINE_SCRIPT) +
    [...initial].reduce((sum, name) => {
      const file = byName.get(name);
      return sum + (file === undefined ? 0 : gzipped(file));
    }, 0);
  const cssBytes =
    inlinedBytes(INLINE_STYLE) +
    files.filter((file) => file.fileName.endsWith('.css')).reduce((sum, f) => sum + gzipped(f), 0);
  const heavy = NOT_INITIAL.flatMap((name) => {
    const carriers = [...initial].filter((file) =>
      (byName.get(file)?.modules ?? []).some((id) => id.includes(`/node_modules/${name}/`)),
    );
    return carriers.length === 0 ? [] : [`console: the initial JavaScript carries ${name} (${carriers.join(', ')})`];
  });
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const problems = [
    ...(initialJsBytes > budget.initialJsBytes
      ? [
          `console: initial JavaScript is ${kB(initialJsBytes)} gzipped, over its budget of ${kB(budget.initialJsBytes)}`,
        ]
      : []),
    ...(cssBytes > budget.cssBytes
      ? [`console: CSS is ${kB(cssBytes)} gzipped, over its budget of ${kB(budget.cssBytes)}`]
      : []),
  ];
  return { initialJsBytes, cssBytes, problems: [...problems, ...heavy] };
}
