import { identificationProbes, type IdentifiableProfile, proposeProfiles } from './profile-identification';
import { profileSchema } from './profile.schema';
import { DocumentException } from './validation/document.exception';
import { validateDocument } from './validation/parse-document';

const point = {
  id: 'circuit.1.feedback',
  kind: 'feedback',
  type: 'bool',
  address: { table: 'discrete-input', address: 0 },
};

function problemsOf(identification: unknown, protocol: 'modbus' | 'opcua' = 'modbus'): string[] {
  const points = protocol === 'modbus' ? [point] : [{ ...point, address: { nodeId: 'ns=1;s=Feedback' } }];
  try {
    validateDocument(
      profileSchema,
      { id: 'cabinet', name: 'Cabinet', protocol, identification, points },
      'cabinet.yaml',
    );
  } catch (error) {
    if (error instanceof DocumentException) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const cabinet: IdentifiableProfile = {
  id: 'sim-cabinet-4',
  name: 'Cabinet, 4 circuits',
  protocol: 'modbus',
  identification: { vendorName: 'Beffroi', modelName: 'SIM-AEP-4' },
};
const anyCabinet: IdentifiableProfile = {
  id: 'sim-cabinet',
  name: 'Cabinet',
  protocol: 'modbus',
  identification: { vendorName: 'Beffroi' },
};
const byRegister: IdentifiableProfile = {
  id: 'old-cabinet',
  name: 'Cabinet without function 43',
  protocol: 'modbus',
  identification: { probe: { table: 'holding-register', address: 100, values: [3100, 3101] } },
};
const heating: IdentifiableProfile = {
  id: 'heating',
  name: 'Heating',
  protocol: 'opcua',
  identification: { vendorName: 'Beffroi' },
};
const unidentified: IdentifiableProfile = { id: 'plain', name: 'Plain', protocol: 'modbus' };
const profiles = [cabinet, anyCabinet, byRegister, heating, unidentified];

describe('profile identification', () => {
  it('accepts identification strings and a probe register', () => {
    expect(problemsOf({ vendorName: 'Beffroi', probe: { table: 'coil', address: 3, values: [true] } })).toEqual([]);
    expect(problemsOf({ productCode: 'urn:beffroi:simulator:heating' }, 'opcua')).toEqual([]);
  });

  it.each<[string, unknown, string[], 'modbus' | 'opcua']>([
    [
      'no criterion',
      {},
      [
        'identification: no criterion: give at least one of vendorName, productCode, productName, modelName, revision or probe',
      ],
      'modbus',
    ],
    [
      'an unknown key',
      { vendor: 'Beffroi' },
      [
        'identification: unknown key "vendor"',
        'identification: no criterion: give at least one of vendorName, productCode, productName, modelName, revision or probe',
      ],
      'modbus',
    ],
    [
      'a number in a coil probe',
      { probe: { table: 'coil', address: 0, values: [1] } },
      ['identification.probe.values[0]: a coil reads true or false, got 1'],
      'modbus',
    ],
    [
      'a register value out of range',
      { probe: { table: 'input-register', address: 0, values: [3, 70000] } },
      ['identification.probe.values[1]: a input-register reads an integer 0..65535, got 70000'],
      'modbus',
    ],
    [
      'a probe on an OPC UA profile',
      { vendorName: 'Beffroi', probe: { table: 'coil', address: 0, values: [true] } },
      [
        'identification.probe: a probe register applies to Modbus profiles; an OPC UA server is recognised by its BuildInfo',
      ],
      'opcua',
    ],
  ])('names the path of a mistake: %s', (_, identification, problems, protocol) => {
    expect(problemsOf(identification, protocol)).toEqual(problems);
  });

  it('proposes every profile whose criteria all hold, the most specific first', () => {
    expect(
      proposeProfiles(
        { protocol: 'modbus', identity: { vendorName: 'Beffroi', productCode: 'SIM-AEP', modelName: 'SIM-AEP-4' } },
        profiles,
      ),
    ).toEqual([
      {
        profileId: 'sim-cabinet-4',
        name: 'Cabinet, 4 circuits',
        matched: ['vendorName = Beffroi', 'modelName = SIM-AEP-4'],
      },
      { profileId: 'sim-cabinet', name: 'Cabinet', matched: ['vendorName = Beffroi'] },
    ]);
    expect(
      proposeProfiles(
        { protocol: 'modbus', identity: { vendorName: 'Beffroi', modelName: 'SIM-AEP-6' } },
        profiles,
      ).map((proposal) => proposal.profileId),
    ).toEqual(['sim-cabinet']);
  });

  it('recognises a device without identification by its probe register', () => {
    const register = { table: 'holding-register', address: 100 } as const;
    const reads = [{ ...register, value: 3101 }];
    expect(proposeProfiles({ protocol: 'modbus', reads }, profiles)).toEqual([
      { profileId: 'old-cabinet', name: 'Cabinet without function 43', matched: ['holding-register 100 = 3101'] },
    ]);
    expect(proposeProfiles({ protocol: 'modbus', reads: [{ ...register, value: 3102 }] }, profiles)).toEqual([]);
    expect(
      proposeProfiles({ protocol: 'modbus', reads: [{ table: 'holding-register', address: 100 }] }, profiles),
    ).toEqual([]);
  });

  it('proposes only profiles of the scanned protocol, never one without identification', () => {
    expect(proposeProfiles({ protocol: 'opcua', identity: { vendorName: 'Beffroi' } }, profiles)).toEqual([
      { profileId: 'heating', name: 'Heating', matched: ['vendorName = Beffroi'] },
    ]);
    expect(proposeProfiles({ protocol: 'modbus' }, [unidentified])).toEqual([]);
  });

  it('lists the probe registers a scan must read, once each', () => {
    expect(identificationProbes([...profiles, { ...byRegister, id: 'again' }])).toEqual([
      { table: 'holding-register', address: 100 },
    ]);
  });
});
