import type { TemplateBinding, TemplateBindingGateway } from '@beffroi/api';

/** Where the preview of a template on one commune plans its nights: a gateway that binds it, at a site it reported. */
export interface PreviewPlace {
  readonly gatewayId: string;
  readonly siteId: string;
  readonly timeZone: string;
}

/**
 * The first gateway of the commune on which the template binds and whose site is known, where its week and year
 * are computed; undefined when it binds nowhere, is not a lighting template, or no such gateway reported its sites.
 */
export function previewPlace(binding: TemplateBinding): PreviewPlace | undefined {
  if (binding.kind !== 'lighting') return undefined;
  const gateway = binding.gateways.find(
    (g): g is TemplateBindingGateway & { site: NonNullable<TemplateBindingGateway['site']> } =>
      g.bound.length > 0 && g.site !== null,
  );
  return gateway === undefined
    ? undefined
    : { gatewayId: gateway.gatewayId, siteId: gateway.site.id, timeZone: gateway.site.timeZone };
}
