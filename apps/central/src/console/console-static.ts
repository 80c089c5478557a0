import { join } from 'node:path';
import { serveConsole as serveConsoleFiles } from '@beffroi/runtime';

/** The built console next to central in dist/ (dist/apps/central/src → dist/apps/console). */
export function consoleDir(centralDir: string): string {
  return join(centralDir, '..', '..', 'console');
}

/** Whether a path is central's own (the API, the sync socket, health): never answered with the console. */
export function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/health';
}

/**
 * Serves the console's built files at `/` (the rules of `serveConsole` in libs/runtime: immutable hashed assets,
 * gzipped once, index.html uncached with its Content-Security-Policy), index.html for any other GET outside central's
 * own paths (the console's router reads the address). Everything else goes on to the API.
 */
export function serveConsole(dir: string) {
  return serveConsoleFiles(dir, { isServerPath });
}
