import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveConsole } from '@beffroi/runtime';

/**
 * Where the gateway serves the console's commissioning pages: under this path, so that no address of the local API
 * (`/health`, `/points`, `/commissioning/…`, `/sync`…) is ever answered with a page. `/` is sent here.
 */
export const COMMISSIONING_PAGES = '/mise-en-service';

/** The meta tag that tells the console it runs on a gateway (it then shows the commissioning pages only). */
export const GATEWAY_SITE_META = '<meta name="beffroi-site" content="gateway" />';

/** The built console next to the gateway in dist/ (dist/apps/gateway/src → dist/apps/console). */
export function consoleDir(gatewayDir: string): string {
  return join(gatewayDir, '..', '..', 'console');
}

/**
 * The console's built files as the gateway serves them on its local API's port: pages under
 * {@link COMMISSIONING_PAGES}, hashed assets under `/assets/`, with central's rules (immutable hashed assets,
 * index.html uncached with its Content-Security-Policy), index.html marked with {@link GATEWAY_SITE_META}. The pages
 * hold no secret and are public; every call they make to the local API needs a credential. Undefined when the console
 * was not built (the local API alone is served then).
 */
export function commissioningPages(dir: string) {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  return serveConsole(dir, {
    base: COMMISSIONING_PAGES,
    page: (html) => html.replace('</head>', `  ${GATEWAY_SITE_META}\n  </head>`),
  });
}
