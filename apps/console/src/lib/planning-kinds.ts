import type { GatewaySchedule } from '@beffroi/api';
import { type BellDocument, bellDocument } from './planning-bells';
import { lightingDocument, type LightingDocument } from './planning-document';
import { type HeatingDocument, heatingDocument } from './planning-heating';

/**
 * The document the Planning screen edits, with its kind: lighting programmes, heating schedules and bell schedules
 * share the calendar, the save → "en attente" → "appliqué par la passerelle" flow and the lint, and differ in what
 * their programmes hold.
 */
export type Draft =
  | { readonly kind: 'lighting'; readonly document: LightingDocument }
  | { readonly kind: 'heating'; readonly document: HeatingDocument }
  | { readonly kind: 'bells'; readonly document: BellDocument };

/** The document of a schedule a gateway runs, in a file's form; undefined when the screen cannot read it. */
export function draftOf(schedule: Pick<GatewaySchedule, 'kind' | 'document'>): Draft | undefined {
  switch (schedule.kind) {
    case 'lighting': {
      const document = lightingDocument(schedule.document);
      return document === undefined ? undefined : { kind: 'lighting', document };
    }
    case 'heating': {
      const document = heatingDocument(schedule.document);
      return document === undefined ? undefined : { kind: 'heating', document };
    }
    case 'bells': {
      const document = bellDocument(schedule.document);
      return document === undefined ? undefined : { kind: 'bells', document };
    }
    case null:
      return undefined;
  }
}

/**
 * What `PUT /api/gateways/:id/schedules/:scheduleId` takes to run `draft` in place of `schedule`: the same targets
 * (outputs and slot for lighting, zones and slot for heating, the bell equipment for bells, and the site), and the
 * document.
 */
export function scheduleItem(targets: GatewaySchedule['targets'], draft: Draft): Record<string, unknown> {
  const { outputs, zones, equipment, slot, site } = targets;
  const where = site === undefined ? {} : { site };
  const inSlot = slot === undefined ? {} : { slot };
  switch (draft.kind) {
    case 'lighting':
      return { kind: draft.kind, outputs, ...inSlot, ...where, schedule: draft.document };
    case 'heating':
      return { kind: draft.kind, zones, ...inSlot, ...where, schedule: draft.document };
    case 'bells':
      return { kind: draft.kind, equipment, ...where, schedule: draft.document };
  }
}
