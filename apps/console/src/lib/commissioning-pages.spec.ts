import { failureText } from './commissioning-errors';
import { commissioningPageOf, commissioningPathOf } from './commissioning-router';
import { GatewayClient, GatewayFailure } from './gateway-client';
import { fieldTokenSession, loadGatewaySession, localCredentialSession, saveGatewaySession } from './gateway-session';
import { emptyScanForm, identifyRequestOf, scanRequestOf } from './scan-form';
import { isGatewaySite } from './site';

describe('the commissioning pages’ addresses', () => {
  it('reads every page under /mise-en-service, and nothing outside it', () => {
    expect(
      [
        '/mise-en-service',
        '/mise-en-service/',
        '/mise-en-service/scan',
        '/mise-en-service/raccorder',
        '/mise-en-service/essais',
        '/mise-en-service/proces-verbal',
        '/mise-en-service/raccorder/x',
        '/communes/02691',
      ].map((path) => commissioningPageOf(path).name),
    ).toEqual(['home', 'home', 'scan', 'bind', 'tests', 'report', 'not-found', 'not-found']);
  });

  it('carries the device a scan found to "Raccorder" in its address, and back', () => {
    const prefill = { kind: 'tcp', host: '127.0.0.1', port: '1502', unit: '3', profile: 'beffroi-sim-bells' } as const;
    const path = commissioningPathOf({ name: 'bind', prefill });
    expect(path).toBe('/mise-en-service/raccorder?type=tcp&hote=127.0.0.1&port=1502&unite=3&profil=beffroi-sim-bells');
    const [pathname = '', search = ''] = path.split('?');
    expect(commissioningPageOf(pathname, `?${search}`)).toEqual({ name: 'bind', prefill });
    expect(commissioningPathOf({ name: 'bind', prefill: {} })).toBe('/mise-en-service/raccorder');
    expect(commissioningPageOf('/mise-en-service/raccorder', '?type=usb&unite=2')).toEqual({
      name: 'bind',
      prefill: { unit: '2' },
    });
  });

  it('names the run a procès-verbal is made from', () => {
    expect(commissioningPathOf({ name: 'report', run: '9f1c' })).toBe('/mise-en-service/proces-verbal?essai=9f1c');
    expect(commissioningPageOf('/mise-en-service/proces-verbal', '?essai=9f1c')).toEqual({
      name: 'report',
      run: '9f1c',
    });
    expect(commissioningPageOf('/mise-en-service/proces-verbal')).toEqual({ name: 'report', run: undefined });
    expect(commissioningPathOf({ name: 'tests' })).toBe('/mise-en-service/essais');
  });

  it('keeps the login’s return address and notice, and returns only to a commissioning page', () => {
    const login = commissioningPathOf({ name: 'login', retour: '/mise-en-service/scan', notice: 'expired' });
    expect(login).toBe('/mise-en-service/connexion?retour=%2Fmise-en-service%2Fscan&motif=expiree');
    const [pathname = '', search = ''] = login.split('?');
    expect(commissioningPageOf(pathname, `?${search}`)).toEqual({
      name: 'login',
      retour: '/mise-en-service/scan',
      notice: 'expired',
    });
    expect(commissioningPageOf('/mise-en-service/connexion', '?retour=https://evil.example/')).toEqual({
      name: 'login',
      retour: undefined,
    });
  });
});

describe('where the console runs', () => {
  it('is on a gateway exactly when index.html carries the gateway’s meta tag', () => {
    const withMeta = { querySelector: (selector: string) => (selector.includes('gateway') ? {} : null) };
    const without = { querySelector: () => null };
    expect([isGatewaySite(withMeta as unknown as Document), isGatewaySite(without as unknown as Document)]).toEqual([
      true,
      false,
    ]);
  });
});

describe('the session on the gateway', () => {
  const claims = (login: string) =>
    Buffer.from(JSON.stringify({ gatewayId: 'gw', login, role: 'field-engineer' })).toString('base64url');

  it('sends the local credential as basic authentication of user local, UTF-8 included', () => {
    const session = localCredentialSession('sécurité-2027');
    expect(session.login).toBe('local');
    expect(Buffer.from(session.authorization.replace('Basic ', ''), 'base64').toString('utf8')).toBe(
      'local:sécurité-2027',
    );
  });

  it('takes a pasted field token as a bearer, reading its login, and refuses text that is not one', () => {
    expect(fieldTokenSession(`  bft1.${claims('tech@useda')}.c2lnbmF0dXJl \n`)).toEqual({
      via: 'field-token',
      authorization: `Bearer bft1.${claims('tech@useda')}.c2lnbmF0dXJl`,
      login: 'tech@useda',
    });
    expect([fieldTokenSession('Wq3Zk'), fieldTokenSession('bft1.bm90IGpzb24.sig')]).toEqual([undefined, undefined]);
  });

  it('is kept in the tab’s storage under a key of its own, never central’s session', () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
    saveGatewaySession(storage, localCredentialSession('secret-local-42'));
    expect([...items.keys()]).toEqual(['beffroi.gateway-session']);
    expect(loadGatewaySession(storage)?.via).toBe('local-credential');
  });
});

describe('the scan form', () => {
  it('asks a Modbus TCP scan with the fields of the local API', () => {
    const form = { ...emptyScanForm(), kind: 'tcp' as const, host: ' 192.168.1.20 ', tcpPort: '1502', units: '1-10' };
    expect(scanRequestOf(form)).toEqual({
      ok: true,
      request: { kind: 'tcp', host: '192.168.1.20', port: 1502, units: '1-10', timeout: 100 },
    });
  });

  it('asks an RTU scan over every baud rate and parity ticked', () => {
    const form = { ...emptyScanForm(), kind: 'rtu' as const, port: '/dev/ttyUSB1', bauds: '19200, 9600' };
    form.parities = ['even', 'none'];
    expect(scanRequestOf(form)).toEqual({
      ok: true,
      request: {
        kind: 'rtu',
        port: '/dev/ttyUSB1',
        baud: [19200, 9600],
        parity: ['even', 'none'],
        units: '1-247',
        timeout: 100,
      },
    });
  });

  it('names every field that is wrong, in the order of the form', () => {
    const form = { ...emptyScanForm(), kind: 'rtu' as const, port: 'ttyUSB1', bauds: '19200,abc', units: '0-300' };
    form.parities = [];
    expect(scanRequestOf(form)).toEqual({ ok: false, fields: ['port', 'baud', 'parity', 'units'] });
    expect(scanRequestOf({ ...emptyScanForm(), kind: 'opcua', endpoint: 'http://x' })).toEqual({
      ok: false,
      fields: ['endpoint'],
    });
  });

  it('identifies a unit found on the port and line settings it answered at', () => {
    const unit = {
      unit: 5,
      line: { baudRate: 9600, parity: 'none' as const, dataBits: 8, stopBits: 1 },
      answer: 'data' as const,
      profiles: [],
    };
    expect(identifyRequestOf({ kind: 'rtu', port: '/dev/ttyUSB1', timeout: 50 }, unit)).toEqual({
      kind: 'rtu',
      port: '/dev/ttyUSB1',
      unit: 5,
      timeout: 50,
      baud: 9600,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
    });
  });
});

describe("the gateway's answers, in French", () => {
  async function failureOf(status: number, body: unknown): Promise<unknown> {
    let expired = 0;
    const client = new GatewayClient({
      authorization: () => 'Basic x',
      onUnauthenticated: () => (expired += 1),
      fetch: () => Promise.resolve(new Response(JSON.stringify(body), { status })),
    });
    const error = await client.startScan({ kind: 'tcp' }).catch((caught: unknown) => caught);
    return { error, expired };
  }

  it('says the 409s of a scan in French, keeping the gateway’s detail', async () => {
    const polled = {
      code: 'BUS_POLLED',
      message: '127.0.0.1:1502 is bus street, which the gateway polls',
      problems: [],
    };
    const { error } = (await failureOf(409, polled)) as { error: GatewayFailure };
    expect(failureText(error)).toEqual({
      text: expect.stringContaining('un bus que la passerelle interroge déjà') as string,
      detail: '127.0.0.1:1502 is bus street, which the gateway polls',
    });
    const running = { code: 'SCAN_RUNNING', message: 'scan 5b0c started by tech@useda runs on it', problems: [] };
    expect(failureText(((await failureOf(409, running)) as { error: GatewayFailure }).error).text).toBe(
      'Un scan est déjà en cours sur ce port ou cette adresse : attendez-le ou arrêtez-le.',
    );
  });

  it('ends the session on a 401, and says a gateway out of reach', async () => {
    const refused = { code: 'UNAUTHENTICATED', message: 'wrong local credential (user local)', problems: [] };
    expect(await failureOf(401, refused)).toMatchObject({ expired: 1, error: { status: 401 } });
    expect(failureText(new TypeError('Failed to fetch')).text).toBe(
      'La passerelle ne répond pas : vérifiez le câble ou le Wi-Fi.',
    );
  });
});
