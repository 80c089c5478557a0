import type { TemplateItem } from '@beffroi/api';
import type { DesiredScheduleItem } from '@beffroi/domain';
import type { CatalogueEquipment } from '@beffroi/sync';

/** What a template becomes on one gateway: the schedule it puts in the desired state and what it bound to. */
export type Binding =
  | { readonly kind: 'bound'; readonly bound: readonly string[]; readonly item: DesiredScheduleItem }
  | { readonly kind: 'unbound'; readonly reason: string };

const ZONE_POINT = /^(zone\.\d{1,2})\./;

/**
 * Binds a template to what a gateway has, by tag, as its catalogue says: a lighting template drives every writable
 * point carrying the tag; a heating template every zone one of whose points (`zone.N.*`) carries it; a bells template
 * the one equipment whose points carry it. Nothing carrying the tag, or a bells tag on two bell controllers, binds
 * nothing, with the reason in the project's words.
 */
export function bindTemplate(template: TemplateItem, equipment: readonly CatalogueEquipment[]): Binding {
  const tagged = equipment.flatMap((e) =>
    e.points.filter((p) => p.tags?.includes(template.tag) === true).map((p) => ({ equipment: e, point: p })),
  );
  switch (template.kind) {
    case 'lighting': {
      const outputs = tagged
        .filter(({ point }) => point.writable)
        .map(({ equipment: e, point }) => `${e.id}:${point.id}`);
      if (outputs.length === 0) return unbound(template.tag, 'output');
      return {
        kind: 'bound',
        bound: outputs,
        item: { kind: 'lighting', slot: template.slot, outputs, schedule: template.schedule },
      };
    }
    case 'heating': {
      const zones = [
        ...new Set(
          tagged.flatMap(({ equipment: e, point }) => {
            const zone = ZONE_POINT.exec(point.id)?.[1];
            return zone === undefined ? [] : [`${e.id}:${zone}`];
          }),
        ),
      ];
      if (zones.length === 0) return unbound(template.tag, 'heating zone');
      return {
        kind: 'bound',
        bound: zones,
        item: { kind: 'heating', slot: template.slot, zones, schedule: template.schedule },
      };
    }
    case 'bells': {
      const controllers = [...new Set(tagged.map(({ equipment: e }) => e.id))];
      const [controller, ...others] = controllers;
      if (controller === undefined) return unbound(template.tag, 'bell controller');
      if (others.length > 0) {
        return {
          kind: 'unbound',
          reason:
            `the tag "${template.tag}" is on ${controllers.length} bell controllers (${controllers.join(', ')}); ` +
            'a bells template drives one',
        };
      }
      return {
        kind: 'bound',
        bound: [controller],
        item: { kind: 'bells', equipment: controller, schedule: template.schedule },
      };
    }
  }
}

function unbound(tag: string, what: string): Binding {
  return { kind: 'unbound', reason: `no ${what} with the tag "${tag}" on this gateway` };
}
