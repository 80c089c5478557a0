import { Injectable } from '@nestjs/common';
import { PRIORITY_SLOTS, type PointScalar } from '@beffroi/domain';
import { Clock } from '@beffroi/runtime';
import { FieldService } from '../field/field.service';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { PointsService } from '../points/points.service';
import type { WriteResult } from '../points/write.service';
import { ControlService, isBellRelay, type SwitchOutcome } from './control.service';
import { type UntilRequest, UntilService } from './until.service';

/** A write asked on the local API (`POST /points/:key/write`). */
export interface LocalWriteRequest extends UntilRequest {
  readonly value: PointScalar;
  /** The switching is never sent after this instant. */
  readonly notAfter: Date;
  /** Who writes: `local-api` unless told; the holder of a lock-out names itself to write under it. */
  readonly owner: string;
}

/** What a local write did: the verified write (when one was sent), or why none was; how long it lasts. */
export type LocalWriteAnswer =
  | (WriteResult & { until?: { form: string; at: string | null } })
  | {
      key: string;
      value: PointScalar;
      status: SwitchOutcome['status'] | 'held';
      reason?: string;
      /** `held`: when the minimum on/off time lets it switch. */
      applyAt?: string;
      until?: { form: string; at: string | null };
    };

/**
 * Local writes go through arbitration and the lock-out like every other request. A write to an output is a command
 * in the manual slot (owner `local-api` unless told), lasting as `until`/`permanent` say (by default until the
 * output's next scheduled transition), so `/outputs` shows it and the schedule takes back after it; it is tried
 * once: a switching that fails ends it, and it leaves the slot; one the minimum on/off time holds is answered `held`
 * with the instant it switches, and stays in its slot. Under a maintenance lock-out only its holder writes:
 * the lock-out's own value changes and the lock-out stays; anyone else is refused (409 naming the holder). A write to
 * a writable point that is not an output (a bell relay) is refused while any output of its equipment is locked out.
 */
@Injectable()
export class LocalWriteService {
  constructor(
    private readonly control: ControlService,
    private readonly until: UntilService,
    private readonly points: PointsService,
    private readonly field: FieldService,
    private readonly clock: Clock,
  ) {}

  async write(key: string, request: LocalWriteRequest): Promise<LocalWriteAnswer> {
    const point = this.field.points.get(key);
    if (point === undefined || !this.field.isWritable(point) || isBellRelay(point.pointId)) {
      const locked = point === undefined ? undefined : this.control.lockOutOfEquipment(point.bound.equipmentId);
      if (locked !== undefined && locked.entry.owner !== request.owner) {
        throw new GatewayException(
          GatewayExceptionCode.LockedOut,
          `${key}: its equipment is locked out for maintenance by ${locked.entry.owner} since ${locked.entry.setAt} (on ${locked.key}): only ${locked.entry.owner} may write to it`,
        );
      }
      return this.points.write(key, request.value, request.notAfter, request.owner);
    }
    const lock = this.control.lockOutOf(key);
    if (lock !== undefined) {
      if (lock.owner !== request.owner) {
        throw new GatewayException(
          GatewayExceptionCode.LockedOut,
          `${key}: locked out for maintenance by ${lock.owner} since ${lock.setAt}: only ${lock.owner} may write to it`,
        );
      }
      const pending = await this.control.command(
        key,
        PRIORITY_SLOTS.maintenance,
        { ...lock, value: request.value },
        'one-off',
        undefined,
        { once: true },
      );
      return answerOf(key, request.value, await pending.outcome);
    }
    const resolved = this.until.resolve(key, request);
    // Held by the minimum on/off time: answered at once; the write stays in its slot and switches at `applyAt`.
    let held: (applyAt: Date) => void = () => undefined;
    const hold = new Promise<LocalWriteAnswer>((resolve) => {
      held = (applyAt) => {
        resolve({
          key,
          value: request.value,
          status: 'held',
          applyAt: applyAt.toISOString(),
          reason: `${key}: held by the minimum on/off time; switches at ${applyAt.toISOString()}`,
        });
      };
    });
    const until = { form: resolved.form, at: resolved.until?.toISOString() ?? null };
    const pending = await this.control.command(
      key,
      PRIORITY_SLOTS.manual,
      {
        value: request.value,
        owner: request.owner,
        setAt: this.clock.now().toISOString(),
        ...(until.at === null ? {} : { expiresAt: until.at }),
        until: resolved.form,
      },
      'one-off',
      undefined,
      {
        notAfter: request.notAfter,
        once: true,
        onHeld: (applyAt) => {
          held(applyAt);
        },
      },
    );
    const answer = await Promise.race([pending.outcome.then((outcome) => answerOf(key, request.value, outcome)), hold]);
    return { ...answer, until };
  }
}

function answerOf(key: string, value: PointScalar, outcome: SwitchOutcome): LocalWriteAnswer {
  if (outcome.status !== 'refused' && outcome.write !== undefined) return outcome.write;
  return {
    key,
    value,
    status: outcome.status,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
  };
}
