import { COMMAND_STATUSES, type CommandStatus } from '../protocol/command.message';
import { SyncExceptionCode } from '../sync.exception';
import {
  applyCommandResult,
  COMMAND_TRANSITIONS,
  type CommandRecord,
  planCommandDelivery,
  queuedCommand,
  transitionCommand,
} from './command-lifecycle';

const record = (status: CommandStatus, notAfter = '2027-01-15T18:05:00Z'): CommandRecord => ({
  id: `cmd-${status}`,
  status,
  notAfter,
  attempts: status === 'queued' ? 0 : 1,
});
const now = new Date('2027-01-15T18:00:00Z');
const AT = '2027-01-15T18:00:01Z';

describe('command lifecycle (central)', () => {
  const allowed = new Set([
    'queued→sent',
    'queued→expired',
    'queued→refused',
    'sent→sent',
    'sent→applied',
    'sent→failed',
    'sent→expired',
    'sent→refused',
    'sent→held',
    'held→held',
    'held→applied',
    'held→failed',
    'held→expired',
    'held→refused',
  ]);
  const pairs = COMMAND_STATUSES.flatMap((from) => COMMAND_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s is allowed only where the lifecycle says so', (from, to) => {
    const move = () => transitionCommand(record(from), to, 'reason');
    if (allowed.has(`${from}→${to}`)) {
      expect(move()).toMatchObject({ status: to });
    } else {
      expect(move).toThrow(
        expect.objectContaining({
          code: SyncExceptionCode.IllegalCommandTransition,
          message: expect.stringContaining(`${from} → ${to}`),
        }) as Error,
      );
    }
  });

  it('describes exactly the transitions the table enforces', () => {
    const described = Object.entries(COMMAND_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`));
    expect(new Set(described)).toEqual(allowed);
  });

  it('counts every send, resends included', () => {
    const sent = transitionCommand(transitionCommand(queuedCommand('c', AT), 'sent'), 'sent');
    expect(sent).toEqual({ id: 'c', status: 'sent', notAfter: AT, attempts: 2 });
  });

  it('ends a sent command with the gateway result, its reason kept', () => {
    expect(
      applyCommandResult(record('sent'), { commandId: 'cmd-sent', status: 'refused', reason: 'consignation', at: AT }),
    ).toEqual({
      outcome: 'changed',
      record: { ...record('sent'), status: 'refused', reason: 'consignation' },
    });
  });

  it('takes the same result twice as a duplicate and a different late one as a conflict, without throwing', () => {
    const applied = record('applied');
    expect(applyCommandResult(applied, { commandId: 'x', status: 'applied', at: AT })).toEqual({
      outcome: 'duplicate',
      record: applied,
    });
    const late = { commandId: 'x', status: 'expired', reason: 'forgotten', at: AT } as const;
    expect(applyCommandResult(applied, late)).toEqual({ outcome: 'conflict', record: applied, ignored: late });
  });

  it('records a hold with the instant it applies, a moved hold again, then the final result', () => {
    const held = applyCommandResult(record('sent'), {
      commandId: 'cmd-sent',
      status: 'held',
      applyAt: '2027-01-15T18:00:30Z',
      reason: 'minimum on/off time',
      at: AT,
    });
    expect(held).toEqual({
      outcome: 'changed',
      record: { ...record('sent'), status: 'held', reason: 'minimum on/off time', applyAt: '2027-01-15T18:00:30Z' },
    });
    const again = { commandId: 'cmd-sent', status: 'held', applyAt: '2027-01-15T18:00:30Z', at: AT } as const;
    expect(applyCommandResult(held.record, again)).toEqual({ outcome: 'duplicate', record: held.record });
    const moved = applyCommandResult(held.record, { ...again, applyAt: '2027-01-15T18:00:40Z' });
    expect(moved.record).toMatchObject({ status: 'held', applyAt: '2027-01-15T18:00:40Z' });
    const applied = applyCommandResult(moved.record, { commandId: 'cmd-sent', status: 'applied', at: AT });
    expect(applied).toEqual({ outcome: 'changed', record: { ...record('sent'), status: 'applied' } });
  });

  it('on a (re)connection, expires queued commands past their deadline and (re)sends every other unfinished one, late ones included (not a held one: the gateway has it)', () => {
    const records = [
      record('queued'),
      { ...record('queued', '2027-01-15T18:00:00Z'), id: 'late-queued' },
      record('sent'),
      { ...record('sent', '2027-01-15T17:00:00Z'), id: 'late-sent' },
      record('held'),
      record('applied'),
      record('expired'),
    ];
    const plan = planCommandDelivery(records, now, { resend: true });
    expect(plan.expire.map((r) => r.id)).toEqual(['late-queued']);
    expect(plan.send.map((r) => r.id)).toEqual(['cmd-queued', 'cmd-sent', 'late-sent']);
  });

  it('sends only the queued ones on the same connection: a sent command is not sent again at every new one', () => {
    const records = [record('sent'), record('queued'), { ...record('queued', '2027-01-15T18:00:00Z'), id: 'late' }];
    const plan = planCommandDelivery(records, now, { resend: false });
    expect(plan.send.map((r) => r.id)).toEqual(['cmd-queued']);
    expect(plan.expire.map((r) => r.id)).toEqual(['late']);
  });
});
