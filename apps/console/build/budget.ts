import { gzipSync } from 'node:zlib';

/** What a first visit may download, gzipped: the entry script with its static imports, and the stylesheets. */
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
  const initialJsBytes = [...initial].reduce((sum, name) => {
    const file = byName.get(name);
    return sum + (file === undefined ? 0 : gzipped(file));
  }, 0);
  const cssBytes = files.filter((file) => file.fileName.endsWith('.css')).reduce((sum, f) => sum + gzipped(f), 0);
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
