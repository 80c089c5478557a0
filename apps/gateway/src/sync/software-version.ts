import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What this gateway says it runs in its hello, `beffroi-gateway <version>`: the version of the checkout's
 * package.json, found upwards from this file (from the sources as from dist/).
 */
export function gatewaySoftware(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'beffroi' && typeof pkg.version === 'string') return `beffroi-gateway ${pkg.version}`;
    }
    if (dirname(dir) === dir) return 'beffroi-gateway (unknown version)';
  }
}
