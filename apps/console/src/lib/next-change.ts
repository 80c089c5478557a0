import type { GatewaySchedule, SchedulePreview } from '@beffroi/api';

/** How far ahead the output page looks for its programme's next change (the gateway looks up to 31 days). */
export const NEXT_CHANGE_DAYS = 2;

/**
 * The lighting schedules that drive output `key` on the gateway now: those of its config that the console has not
 * replaced by an applied version, and the console's versions the gateway applied.
 */
export function drivingSchedules(schedules: readonly GatewaySchedule[], key: string): GatewaySchedule[] {
  const applied = new Set(schedules.filter((s) => s.source === 'central' && s.state === 'applied').map((s) => s.id));
  return schedules.filter(
    (s) =>
      s.kind === 'lighting' &&
      s.targets.outputs?.includes(key) === true &&
      (s.source === 'central' ? applied.has(s.id) : !applied.has(s.id)),
  );
}

/**
 * The output's next programme change: the first transition after `now` in the previews of the schedules that drive
 * it (computed by central with the gateway's engine); undefined when none changes it within the previews.
 */
export function nextChangeAfter(previews: readonly SchedulePreview[], now: Date): string | undefined {
  const after = previews
    .flatMap((preview) => preview.transitions ?? [])
    .map((transition) => transition.at)
    .filter((at) => Date.parse(at) > now.getTime())
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return after[0];
}
