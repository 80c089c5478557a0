import { stringify } from 'yaml';
import { checkProfileReferences, gatewayConfigSchema } from './gateway-config.schema';
import { profileSchema } from './profile.schema';
import { mergeTags, tagList } from './tag.schema';
import { DocumentException } from './validation/document.exception';
import { parseYaml } from './validation/parse-document';

const CABINET = profileSchema.parse({
  id: 'cabinet',
  name: 'Armoire',
  protocol: 'modbus',
  points: [
    {
      id: 'circuit.1.command',
      kind: 'command',
      type: 'bool',
      address: { table: 'coil', address: 0 },
      tags: ['eclairage-voirie'],
    },
  ],
});

function config(tags: unknown): Record<string, unknown> {
  return {
    gateway: { id: 'gw-1' },
    commune: { insee: '02691', name: 'Saint-Quentin' },
    sites: [{ id: 'mairie', name: 'Mairie', latitude: 49.8467, longitude: 3.2874, timeZone: 'Europe/Paris' }],
    buses: [
      {
        id: 'street',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        equipment: [{ id: 'cab-1', profile: 'cabinet', unit: 1, tags }],
      },
    ],
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

describe('tags of outputs', () => {
  it('are given by a profile point and added to by the equipment of a gateway config', () => {
    expect(CABINET.points[0]?.tags).toEqual(['eclairage-voirie']);
    const parsed = parseYaml(
      gatewayConfigSchema,
      stringify(config({ 'circuit.1.command': ['eclairage-stade', 'mon-quartier-2'] })),
      'gateway.yaml',
    );
    expect(parsed.buses[0]?.equipment[0]?.tags).toEqual({ 'circuit.1.command': ['eclairage-stade', 'mon-quartier-2'] });
    expect(mergeTags(['eclairage-voirie'], ['eclairage-stade', 'eclairage-voirie'])).toEqual([
      'eclairage-voirie',
      'eclairage-stade',
    ]);
  });

  it.each([
    [
      'a capital or a space',
      { 'circuit.1.command': ['Eclairage voirie'] },
      'buses[0].equipment[0].tags.circuit.1.command[0]: expected a tag: lowercase letters, digits and hyphens, such as "eclairage-voirie", got "Eclairage voirie"',
    ],
    [
      'a trailing hyphen',
      { 'circuit.1.command': ['voirie-'] },
      'buses[0].equipment[0].tags.circuit.1.command[0]: expected a tag: lowercase letters, digits and hyphens, such as "eclairage-voirie", got "voirie-"',
    ],
    [
      'a tag twice',
      { 'circuit.1.command': ['cloches', 'cloches'] },
      'buses[0].equipment[0].tags.circuit.1.command[1]: duplicate tag "cloches"',
    ],
    [
      'a list instead of tags by point',
      ['eclairage-voirie'],
      'buses[0].equipment[0].tags: expected tags by point id, such as { circuit.1.command: [eclairage-voirie] }, got a list',
    ],
  ])('refuses %s, naming where', (_, tags, expected) => {
    expect(problemsOf(config(tags))).toEqual([expected]);
  });

  it('refuses a tag on a point the profile does not have', () => {
    const parsed = gatewayConfigSchema.parse(config({ 'circuit.9.command': ['eclairage-voirie'] }));
    expect(checkProfileReferences(parsed, new Map([['cabinet', CABINET]]))).toEqual([
      {
        path: 'buses[0].equipment[0].tags.circuit.9.command',
        message: 'profile "cabinet" has no point "circuit.9.command" to tag',
      },
    ]);
  });

  it('accepts at most 20 tags on one point', () => {
    expect(tagList.safeParse(Array.from({ length: 21 }, (_, i) => `t${i}`)).error?.issues[0]?.message).toBe(
      'expected at most 20 tags',
    );
  });
});
