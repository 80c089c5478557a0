import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proposeProfiles } from '@beffroi/domain';
import { type OpcuaBrowsedNode, scanOpcuaEndpoint } from '@beffroi/fieldbus/opcua';
import { loadProfiles } from '../../apps/gateway/src/gateway.config';
import { SystemClock } from '@beffroi/runtime';
import { HeatingController } from '../../apps/simulator/src/devices/heating/heating-controller.device';
import { simulatorConfigSchema } from '../../apps/simulator/src/simulator.config';

const workDir = mkdtempSync(join(tmpdir(), 'beffroi-scan-opcua-'));
const config = simulatorConfigSchema.parse({
  opcua: [
    {
      id: 'scan-heating',
      kind: 'heating-controller',
      port: 0,
      zones: [{ name: 'Mairie' }, { name: 'École' }],
      securityModes: ['None', 'SignAndEncrypt'],
      users: [{ userName: 'agent', password: 'clocher-1905' }],
    },
  ],
}).opcua[0];
if (!config) throw new Error('no heating controller in the config');
const device = new HeatingController(config, new SystemClock(), { pkiDir: join(workDir, 'controller-pki') });

beforeAll(() => device.start(), 60_000);
afterAll(async () => {
  await device.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const names = (nodes: OpcuaBrowsedNode[]) => nodes.map((node) => node.browseName);

describe("OPC UA endpoint scan on the simulator's real server", () => {
  it('lists the endpoints with their security modes and logins, reads BuildInfo and browses to the depth asked', async () => {
    const result = await scanOpcuaEndpoint(
      { endpointUrl: device.endpointUrl, depth: 3, timeoutMs: 10_000, pkiDir: join(workDir, 'client-pki') },
      () => performance.now(),
    );
    expect(result.sessionError).toBeUndefined();
    expect(result.endpoints.map((endpoint) => [endpoint.securityMode, endpoint.securityPolicy])).toEqual(
      expect.arrayContaining([
        ['None', 'None'],
        ['SignAndEncrypt', 'Basic256Sha256'],
      ]),
    );
    expect(result.endpoints[0]?.userTokens).toEqual(expect.arrayContaining(['Anonymous', 'UserName']));
    expect(result.identity).toMatchObject({
      vendorName: 'Beffroi',
      productName: 'Beffroi simulated heating controller',
      productCode: 'urn:beffroi:simulator:heating',
    });
    const shipped = loadProfiles(join(__dirname, '..', '..', 'config', 'profiles')).values();
    expect(proposeProfiles(result, shipped).map((proposal) => proposal.profileId)).toEqual(['beffroi-sim-heating']);
    expect(names(result.nodes)).toEqual(['HeatingController']);
    const controller = result.nodes[0];
    expect(controller?.nodeClass).toBe('Object');
    expect(names(controller?.children ?? [])).toEqual(['Zone1', 'Zone2', 'Outdoor', 'Controller']);
    const zone1 = controller?.children[0];
    expect(zone1?.nodeClass).toBe('Object');
    expect(zone1?.children.find((node) => node.browseName === 'Mode')).toEqual({
      nodeId: 'nsu=urn:beffroi:simulator:heating;s=Zone1.Mode',
      browseName: 'Mode',
      nodeClass: 'Variable',
      children: [],
    });
  });

  it('browses no deeper than asked', async () => {
    const result = await scanOpcuaEndpoint(
      { endpointUrl: device.endpointUrl, depth: 1, timeoutMs: 10_000, pkiDir: join(workDir, 'client-pki') },
      () => performance.now(),
    );
    expect(result.nodes.map((node) => node.children)).toEqual([[]]);
  });
});
