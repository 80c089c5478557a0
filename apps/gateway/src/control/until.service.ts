import { Injectable } from '@nestjs/common';
import type { Site } from '@beffroi/domain';
import { parseUntil, resolveUntil, type ResolvedUntil, ScheduleException, type UntilForm } from '@beffroi/schedule';
import { Clock } from '@beffroi/runtime';
import { FieldService } from '../field/field.service';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';

/** How far ahead a manual switching may end, and how far its next programme change is looked for. */
export const UNTIL_HORIZON_MS = 31 * 86_400_000;

/** How long a manual switching was asked to last: an `until` text, `permanent: true`, or neither (the default). */
export interface UntilRequest {
  readonly until?: string | undefined;
  readonly permanent?: boolean | undefined;
}

/**
 * Resolves how long a manual switching lasts, against this gateway's own schedules and the output's site (libs/schedule
 * `resolveUntil`): by default until the output's next scheduled transition; `until` an instant, a local time `HH:MM`
 * of the site, `sunrise` or `next-transition`; or `permanent: true`. A switching with no end to resolve (no programme
 * drives the output, polar night) is refused naming the field, never made permanent behind the caller's back.
 */
@Injectable()
export class UntilService {
  constructor(
    private readonly runtime: ScheduleRuntime,
    private readonly field: FieldService,
    private readonly loaded: LoadedGatewayConfig,
    private readonly clock: Clock,
  ) {}

  /** The form asked and its end for output `key`; a 400 naming `until` (or `permanent`) when it cannot be resolved. */
  resolve(key: string, request: UntilRequest): ResolvedUntil {
    if (request.permanent === true && request.until !== undefined) {
      throw new GatewayException(
        GatewayExceptionCode.InvalidRequest,
        'permanent: give either until or permanent: true, not both',
        [{ path: 'permanent', message: 'give either until or permanent: true, not both' }],
      );
    }
    try {
      const form: UntilForm =
        request.permanent === true
          ? { kind: 'permanent' }
          : request.until === undefined
            ? { kind: 'next-transition' }
            : parseUntil(request.until);
      return resolveUntil(form, {
        now: this.clock.now(),
        site: this.siteOf(key),
        nextTransition: form.kind === 'next-transition' ? this.runtime.nextTransitionOf(key, UNTIL_HORIZON_MS) : null,
        horizonMs: UNTIL_HORIZON_MS,
      });
    } catch (error) {
      if (!(error instanceof ScheduleException)) throw error;
      const message = `${key}: ${error.message}`;
      throw new GatewayException(GatewayExceptionCode.InvalidRequest, `until: ${message}`, [
        { path: 'until', message },
      ]);
    }
  }

  /** The site of the output's equipment (the gateway's first site when the equipment names none). */
  private siteOf(key: string): Site {
    const equipmentId = this.field.points.get(key)?.bound.equipmentId;
    const { sites, buses } = this.loaded.config;
    const siteId = buses.flatMap((bus) => bus.equipment).find((equipment) => equipment.id === equipmentId)?.site;
    const [first] = sites;
    const site = sites.find((candidate) => candidate.id === siteId) ?? first;
    if (site === undefined) throw new Error('the gateway config has no site');
    return site;
  }
}
