import type { Command, OutputExplanation } from '@beffroi/api';
import { SentCommands, withOutputEvent, withReportedValue, withSwitching } from './output-live';

const at = '2026-12-03T17:00:00.000Z';
const command = (id: string): Command => ({
  id,
  gatewayId: 'gw-1',
  pointKey: 'cab:circuit.3.command',
  action: 'switch',
  value: true,
  until: 'next-transition',
  notAfter: at,
  issuedBy: 'agent@02691',
  status: 'queued',
  attempts: 0,
  reason: null,
  createdAt: at,
  updatedAt: at,
});

describe('SentCommands', () => {
  it('shows a command applied when the applied event arrived before the POST answered', () => {
    const sent = new SentCommands();
    sent.update({ gatewayId: 'gw-1', id: 'c1', status: 'sent' });
    sent.update({ gatewayId: 'gw-1', id: 'c1', status: 'applied', reason: null });
    expect(sent.sent(command('c1')).map((c) => c.status)).toEqual(['applied']);
  });

  it('never lets a late non-final update hide a final one kept before the answer', () => {
    const sent = new SentCommands();
    sent.update({ gatewayId: 'gw-1', id: 'c1', status: 'refused', reason: 'gw-1 is locked out' });
    sent.update({ gatewayId: 'gw-1', id: 'c1', status: 'sent' });
    expect(sent.sent(command('c1'))).toEqual([{ ...command('c1'), status: 'refused', reason: 'gw-1 is locked out' }]);
  });

  it('moves on the commands already shown, newest first', () => {
    const sent = new SentCommands();
    sent.sent(command('c1'));
    sent.sent(command('c2'));
    const shown = sent.update({ gatewayId: 'gw-1', id: 'c1', status: 'applied' });
    expect(shown.map((c) => [c.id, c.status])).toEqual([
      ['c2', 'queued'],
      ['c1', 'applied'],
    ]);
  });

  it('keeps only the latest updates of commands it has not seen', () => {
    const sent = new SentCommands();
    for (let i = 0; i < 150; i++) sent.update({ gatewayId: 'gw-1', id: `other-${i}`, status: 'applied' });
    expect(sent.sent(command('other-0'))[0]?.status).toBe('queued');
    expect(sent.sent(command('other-149'))[0]?.status).toBe('applied');
  });
});

describe('live updates of the output page', () => {
  const explanation: OutputExplanation = {
    pointKey: 'cab:circuit.3.command',
    value: false,
    winner: { slot: 14, name: 'schedule', owner: 'schedule:eclairage' },
    underneath: [],
    at,
    reported: { value: false, receivedAt: at },
    lastSwitching: null,
  };

  it("takes the gateway's new explanation from the event and keeps the reported value", () => {
    const later = '2026-12-03T17:05:00.000Z';
    const next = withOutputEvent(explanation, {
      gatewayId: 'gw-1',
      pointKey: 'cab:circuit.3.command',
      value: true,
      winner: {
        slot: 8,
        name: 'manual',
        owner: 'command:c1',
        until: 'next-transition',
        expiresAt: '2026-12-03T22:00:00.000Z',
      },
      underneath: [{ slot: 14, name: 'schedule', owner: 'schedule:eclairage', value: false }],
      at: later,
    });
    expect(next).toEqual({
      pointKey: 'cab:circuit.3.command',
      value: true,
      winner: {
        slot: 8,
        name: 'manual',
        owner: 'command:c1',
        until: 'next-transition',
        expiresAt: '2026-12-03T22:00:00.000Z',
      },
      underneath: [{ slot: 14, name: 'schedule', owner: 'schedule:eclairage', value: false }],
      at: later,
      reported: { value: false, receivedAt: at },
      lastSwitching: null,
    });
    expect(
      withReportedValue(next, {
        gatewayId: 'gw-1',
        pointKey: 'cab:circuit.3.command',
        value: true,
        quality: { status: 'good' },
        receivedAt: later,
      })?.reported,
    ).toEqual({ value: true, receivedAt: later });
  });

  it('explains an output that had no explanation yet', () => {
    const next = withOutputEvent(null, {
      gatewayId: 'gw-1',
      pointKey: 'k:p',
      value: true,
      winner: { slot: 16, name: 'default' },
      underneath: [],
      at,
    });
    expect(next.reported).toBeNull();
    expect(next.value).toBe(true);
  });

  it('puts a switching first in the last switchings, once, within the limit', () => {
    const event = {
      gatewayId: 'gw-1',
      seq: 12,
      at,
      pointKey: 'k:p',
      value: true,
      source: 'command:c1',
      commandId: 'c1',
      result: 'applied' as const,
    };
    const older = withSwitching([], { ...event, seq: 11, value: false, commandId: undefined, source: 'schedule:x' }, 2);
    const both = withSwitching(older, event, 2);
    expect(both.map((s) => [s.seq, s.slot, s.commandId, s.reason])).toEqual([
      [12, null, 'c1', null],
      [11, null, null, null],
    ]);
    expect(withSwitching(both, event, 2)).toEqual(both);
    expect(withSwitching(both, { ...event, seq: 13 }, 2).map((s) => s.seq)).toEqual([13, 12]);
  });
});
