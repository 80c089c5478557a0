import { stringify } from 'yaml';
import { gatewayConfigSchema, isLoopbackHost } from './gateway-config.schema';
import { DocumentException } from './validation/document.exception';
import { parseYaml } from './validation/parse-document';

function config(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    gateway: { id: 'gw-1' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    buses: [],
    ...extra,
  };
}

function problemsOf(input: unknown): string[] {
  try {
    parseYaml(gatewayConfigSchema, stringify(input), 'gateway.yaml');
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("the local API's address and credentials in the gateway config", () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1'])('%s is the loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(problemsOf(config({ http: { host } }))).toEqual([]);
  });

  it.each(['0.0.0.0', '192.168.1.20', '::', 'gateway.local'])('%s is not the loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses a non-loopback address without TLS or insecure: true, naming both ways out', () => {
    expect(problemsOf(config({ http: { host: '0.0.0.0' } }))).toEqual([
      'http.host: 0.0.0.0 is not a loopback address: the local API needs TLS there ' +
        '(http.tls: {} generates a self-signed certificate) or http.insecure: true',
    ]);
    expect(problemsOf(config({ http: { host: '0.0.0.0', tls: {} } }))).toEqual([]);
    expect(problemsOf(config({ http: { host: '0.0.0.0', insecure: true } }))).toEqual([]);
  });

  it('takes TLS files in pairs', () => {
    expect(problemsOf(config({ http: { host: '0.0.0.0', tls: { certFile: 'cert.pem' } } }))).toEqual([
      'http.tls.keyFile: expected both certFile and keyFile, or neither (a self-signed certificate is generated), got nothing',
    ]);
  });

  it('defaults to a generated local credential, and names a bad environment variable name', () => {
    const parsed = parseYaml(gatewayConfigSchema, stringify(config({})), 'gateway.yaml');
    expect(parsed.localAccess).toEqual({ enabled: true });
    expect(problemsOf(config({ localAccess: { passwordEnv: 'lower-case', enabled: 'no' } }))).toEqual([
      'localAccess.enabled: expected true or false, got "no"',
      'localAccess.passwordEnv: expected an environment variable name, got "lower-case"',
    ]);
  });
});
