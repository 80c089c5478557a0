import type { Gateway } from '@beffroi/api';
import { gatewayView } from './commune-view';

const at = '2026-12-03T10:00:00.000Z';
const gateway = (localApi?: { tls: boolean; fingerprint?: string }): Gateway => ({
  id: 'gw-1',
  communeInsee: '02691',
  online: true,
  lastSeenAt: at,
  clockOffsetMs: 0,
  revokedAt: null,
  health: { at, equipment: {}, ...(localApi === undefined ? {} : { localApi }) },
});

describe("the gateway's local API certificate on the commune page", () => {
  it("shows the fingerprint the gateway reported for its local API's certificate", () => {
    const fingerprint = 'AB:CD:EF:01';
    expect(gatewayView(gateway({ tls: true, fingerprint }), [], []).localApiFingerprint).toBe(fingerprint);
  });

  it('shows none for a gateway serving plain HTTP on its loopback, or that has not said', () => {
    expect(gatewayView(gateway({ tls: false }), [], []).localApiFingerprint).toBeUndefined();
    expect(gatewayView(gateway(), [], []).localApiFingerprint).toBeUndefined();
  });
});
