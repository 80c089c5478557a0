/** The types of tools/build.js (plain JavaScript: it runs before anything is compiled). */
export interface BuildOptions {
  /** Files and folders read by the build, relative to the root (default: the repository's sources). */
  inputs?: string[];
  /** The commands, `{out}` standing for the new build's folder (default: tsc, tsc-alias, vite). */
  steps?: string[][];
  /** Rebuild even when the inputs are those of the current build. */
  force?: boolean;
  log?: (line: string) => void;
}

export function build(root: string, options?: BuildOptions): 'built' | 'up-to-date';
export function fingerprint(root: string, inputs: string[], steps: string[][]): string;
export const STAMP: string;
