import type { TemplateBinding } from '@beffroi/api';
import { previewPlace } from './template-preview';

const SITE = { id: 'mairie', name: 'Mairie', timeZone: 'Europe/Paris' };

function binding(kind: TemplateBinding['kind'], gateways: TemplateBinding['gateways']): TemplateBinding {
  return { templateId: 'm', version: 1, kind, tag: 'eclairage-voirie', schedule: {}, commune: '02691', gateways };
}

describe('previewPlace', () => {
  it('plans on the first gateway that binds the template and reported its site', () => {
    expect(
      previewPlace(
        binding('lighting', [
          { gatewayId: 'gw-a', bound: [], reason: 'no output with the tag', site: SITE },
          { gatewayId: 'gw-b', bound: ['cabinet:circuit.1.command'], reason: null, site: null },
          { gatewayId: 'gw-c', bound: ['cabinet:circuit.2.command'], reason: null, site: SITE },
        ]),
      ),
    ).toEqual({ gatewayId: 'gw-c', siteId: 'mairie', timeZone: 'Europe/Paris' });
  });

  it('has no place where nothing binds, or for a template that is not lighting', () => {
    expect(
      previewPlace(binding('lighting', [{ gatewayId: 'gw-a', bound: [], reason: 'x', site: SITE }])),
    ).toBeUndefined();
    expect(previewPlace(binding('lighting', []))).toBeUndefined();
    expect(
      previewPlace(binding('heating', [{ gatewayId: 'gw-a', bound: ['cabinet:zone.1'], reason: null, site: SITE }])),
    ).toBeUndefined();
  });
});
