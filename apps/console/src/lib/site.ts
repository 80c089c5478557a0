/** The meta tag a gateway adds to the console's index.html (apps/gateway/src/commissioning/commissioning-pages.ts). */
const GATEWAY_SITE = 'meta[name="beffroi-site"][content="gateway"]';

/**
 * Whether the console runs on a gateway (its local API's port) rather than on central: it then shows the
 * commissioning pages only, and talks to the gateway's local API instead of central's.
 */
export function isGatewaySite(document: Pick<Document, 'querySelector'>): boolean {
  return document.querySelector(GATEWAY_SITE) !== null;
}
