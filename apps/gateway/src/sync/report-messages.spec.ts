import { explain, setSlot, emptyPriorityArray } from '@beffroi/domain';
import { outboxEnvelopeSchema } from '@beffroi/sync';
import { alarmMessage, commandIdOf, outputMessage, reportText, switchingMessage } from './report-messages';

const AT = new Date('2027-01-15T18:00:00.000Z');

/** What central would check: the message as an envelope of the protocol. */
function valid(message: object): boolean {
  return outboxEnvelopeSchema.safeParse({ ...message, gatewayId: 'gw-1', seq: 1 }).success;
}

describe('report messages', () => {
  it.each([
    ['command:cmd-42', 'cmd-42'],
    ['command:', undefined],
    ['schedule:eclairage', undefined],
    ['command:with space', undefined],
  ])('finds the command id of the cause %s', (cause, id) => {
    expect(commandIdOf(cause)).toBe(id);
  });

  it('fits text to a report field', () => {
    expect(reportText('  ok  ')).toBe('ok');
    expect(reportText('')).toBeUndefined();
    expect(reportText(null)).toBeUndefined();
    const long = reportText('x'.repeat(600));
    expect(long).toHaveLength(500);
    expect(long?.endsWith('…')).toBe(true);
  });

  it('reports a switching with its slot, cause and command id', () => {
    const message = switchingMessage({
      at: AT,
      key: 'cabinet:circuit.1.command',
      value: true,
      slot: 10,
      cause: 'command:cmd-7',
      result: 'mismatch',
      reason: 'cabinet:circuit.1.feedback shows false, expected true',
    });
    expect(message).toEqual({
      class: 'switching',
      payload: {
        pointKey: 'cabinet:circuit.1.command',
        value: true,
        slot: 10,
        source: 'command:cmd-7',
        commandId: 'cmd-7',
        result: 'mismatch',
        reason: 'cabinet:circuit.1.feedback shows false, expected true',
        at: AT.toISOString(),
      },
    });
    expect(valid(message)).toBe(true);
  });

  it('leaves out the slot of a bell relay action and an empty reason', () => {
    const message = switchingMessage({
      at: AT,
      key: 'bells:bell.1.strike',
      value: true,
      slot: null,
      cause: 'bells:cloches/angelus',
      result: 'acknowledged',
      reason: '',
    });
    expect(message.payload).not.toHaveProperty('slot');
    expect(message.payload).not.toHaveProperty('reason');
    expect(message.payload).not.toHaveProperty('commandId');
    expect(valid(message)).toBe(true);
  });

  it('explains an output: winner with owner and expiry, and what lies underneath', () => {
    let array = emptyPriorityArray(false);
    array = setSlot(array, 12, { value: false, owner: 'schedule:eclairage', setAt: AT.toISOString() }, AT, 'standing');
    array = setSlot(
      array,
      10,
      { value: true, owner: 'mairie', setAt: AT.toISOString(), expiresAt: '2027-01-16T01:00:00.000Z' },
      AT,
    );
    const message = outputMessage('cabinet:circuit.1.command', explain(array, AT), AT);
    expect(message.payload).toEqual({
      pointKey: 'cabinet:circuit.1.command',
      value: true,
      winner: {
        slot: 10,
        name: 'manual',
        owner: 'mairie',
        expiresAt: '2027-01-16T01:00:00.000Z',
        setAt: AT.toISOString(),
      },
      underneath: [
        { slot: 12, name: 'calendar', value: false, owner: 'schedule:eclairage' },
        { slot: 16, name: 'default', value: false },
      ],
      at: AT.toISOString(),
    });
    expect(valid(message)).toBe(true);
    expect(valid(outputMessage('cabinet:circuit.2.command', explain(emptyPriorityArray(false), AT), AT))).toBe(true);
  });

  it('builds alarms central accepts', () => {
    expect(valid(alarmMessage('gateway.outbox', 'raised', 'warning', 'outbox over quota', AT))).toBe(true);
    expect(valid(alarmMessage('equipment:cabinet', 'cleared', 'critical', '', AT))).toBe(true);
  });
});
