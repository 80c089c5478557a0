import type { Alarm } from '@beffroi/api';

export interface AlarmGroups {
  /** Open and not acknowledged yet: someone must look. */
  readonly active: readonly Alarm[];
  /** Open, acknowledged: someone is on it. */
  readonly acknowledged: readonly Alarm[];
  /** Over. */
  readonly cleared: readonly Alarm[];
}

const SEVERITY_ORDER: Readonly<Record<Alarm['severity'], number>> = { critical: 0, warning: 1, info: 2 };

/** Alarms in three groups, most severe first, then the most recent. */
export function groupAlarms(alarms: readonly Alarm[]): AlarmGroups {
  const sorted = [...alarms].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.raisedAt.localeCompare(a.raisedAt),
  );
  return {
    active: sorted.filter((alarm) => alarm.state === 'open' && alarm.acknowledgedAt === null),
    acknowledged: sorted.filter((alarm) => alarm.state === 'open' && alarm.acknowledgedAt !== null),
    cleared: sorted.filter((alarm) => alarm.state === 'cleared'),
  };
}
