import type { OutputExplanation } from '@beffroi/api';
import { progressText } from './command-progress';
import { explainInWords } from './explain';
import { formatTime, quickPicks, untilRequest, untilWords } from './until';

const KEY = 'cabinet-hotel-de-ville:circuit.4.command';

describe('how long a switching lasts, in words', () => {
  it.each([
    [{}, 'jusqu’au prochain changement du programme'],
    [{ until: 'next-transition' }, 'jusqu’au prochain changement du programme'],
    [{ until: '23:00' }, 'jusqu’à 23:00'],
    [{ until: 'sunrise' }, 'jusqu’au lever du soleil'],
    [{ permanent: true as const }, 'sans échéance'],
    [{ until: '2026-12-03T22:00:00.000Z' }, 'jusqu’au jeu. 3 déc., 23:00'],
  ])('%j reads %s', (asked, words) => {
    expect(untilWords(asked, 'Europe/Paris')).toBe(words);
  });

  it('formats the time of the next change on the site clock', () => {
    expect(formatTime('2026-12-03T22:00:00.000Z', 'Europe/Paris')).toBe('23:00');
    expect(formatTime('2026-12-03T22:00:00.000Z', 'America/Martinique')).toBe('18:00');
  });
});

describe('quick picks', () => {
  it('are 1 h and 2 h from now, 23:00, 02:00 and sunrise, the last three resolved by the gateway at the site', () => {
    const now = new Date('2026-12-03T20:00:00.000Z');
    expect(quickPicks(now)).toEqual([
      { label: 'dans 1 h', until: '2026-12-03T21:00:00.000Z' },
      { label: 'dans 2 h', until: '2026-12-03T22:00:00.000Z' },
      { label: 'à 23:00', until: '23:00' },
      { label: 'à 02:00', until: '02:00' },
      { label: 'au lever du soleil', until: 'sunrise' },
    ]);
  });

  it('send a form as a switch and an instant as an override until it', () => {
    expect(untilRequest(KEY, true, '23:00')).toEqual({ action: 'switch', pointKey: KEY, value: true, until: '23:00' });
    expect(untilRequest(KEY, false, 'sunrise')).toEqual({
      action: 'switch',
      pointKey: KEY,
      value: false,
      until: 'sunrise',
    });
    expect(untilRequest(KEY, true, '2026-12-03T22:00:00.000Z')).toEqual({
      action: 'override-until',
      pointKey: KEY,
      value: true,
      until: '2026-12-03T22:00:00.000Z',
    });
  });
});

describe('the form asked, in the progress and the explain', () => {
  it('says how long a switch lasts in its progress', () => {
    expect(progressText({ action: 'switch', status: 'applied', reason: null, until: 'next-transition' })).toBe(
      'Commutation jusqu’au prochain changement du programme : appliquée',
    );
    expect(progressText({ action: 'switch', status: 'queued', reason: null, permanent: true })).toBe(
      'Commutation sans échéance : en attente',
    );
  });

  it('says which form the manual switching was asked with', () => {
    const explanation: OutputExplanation = {
      pointKey: KEY,
      value: true,
      winner: {
        slot: 10,
        name: 'manual',
        owner: 'command:5f0c2a9e-1111',
        expiresAt: '2026-12-03T22:00:00.000Z',
        until: 'next-transition',
      },
      underneath: [{ slot: 16, name: 'default', value: false }],
      at: '2026-12-03T20:00:00.000Z',
      reported: null,
      lastSwitching: null,
    };
    expect(explainInWords(explanation, 'Europe/Paris').slice(2, 4)).toEqual([
      'Jusqu’au jeu. 3 déc., 23:00.',
      'Demandé : jusqu’au prochain changement du programme.',
    ]);
    const permanent = { ...explanation, winner: { slot: 10, name: 'manual', until: 'permanent' } };
    expect(explainInWords(permanent, 'Europe/Paris').slice(1, 4)).toEqual([
      'Décidée par une commande manuelle.',
      'Sans échéance.',
      'Demandé : sans échéance.',
    ]);
  });
});
