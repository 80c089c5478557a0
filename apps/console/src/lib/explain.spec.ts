import type { OutputExplanation } from '@beffroi/api';
import { advance, isFinal, progressText } from './command-progress';
import { explainInWords, ownerText, whyQuestion } from './explain';

const overridden: OutputExplanation = {
  pointKey: 'cabinet-hotel-de-ville:circuit.4.command',
  value: true,
  winner: { slot: 10, name: 'manual', owner: 'command:5f0c2a9e-1111', expiresAt: '2026-12-03T22:00:00.000Z' },
  underneath: [
    { slot: 12, name: 'calendar', owner: 'schedule:eclairage-hotel-de-ville', value: false },
    { slot: 16, name: 'default', value: false },
  ],
  at: '2026-12-03T20:00:00.000Z',
  reported: { value: true, receivedAt: '2026-12-03T20:00:01.000Z' },
  lastSwitching: null,
};

describe('"Pourquoi est-il allumé ?" in words', () => {
  it('says the value, who decides, until when, what lies underneath and what the equipment confirmed', () => {
    expect(explainInWords(overridden, 'Europe/Paris')).toEqual([
      'Valeur actuelle : allumé.',
      'Décidée par une commande manuelle (commande 5f0c2a9e).',
      'Jusqu’au jeu. 3 déc., 23:00.',
      'Ensuite s’appliquerait le calendrier : éteint.',
      'L’équipement a confirmé allumé le jeu. 3 déc., 21:00.',
    ]);
  });

  it('says when nothing ends it and nothing lies underneath', () => {
    const alone: OutputExplanation = {
      ...overridden,
      value: false,
      winner: { slot: 16, name: 'default' },
      underneath: [],
      reported: null,
    };
    expect(explainInWords(alone, 'Europe/Paris')).toEqual([
      'Valeur actuelle : éteint.',
      'Décidée par la valeur par défaut.',
      'Sans échéance.',
      'Rien ne s’appliquerait en dessous.',
    ]);
  });

  it('asks the question for the current value', () => {
    expect(whyQuestion(true)).toBe('Pourquoi est-il allumé ?');
    expect(whyQuestion(false)).toBe('Pourquoi est-il éteint ?');
    expect(whyQuestion('eco')).toBe('Pourquoi cette valeur ?');
  });

  it('names owners', () => {
    expect(ownerText('schedule:nuit')).toBe('programme « nuit »');
    expect(ownerText('technicien:marc')).toBe('technicien marc');
    expect(ownerText('selector')).toBe('selector');
  });
});

describe("a command's progress", () => {
  it('reads the status and the reason', () => {
    expect(progressText({ action: 'override-until', status: 'applied', reason: null })).toBe(
      'Forçage temporaire : appliquée',
    );
    expect(progressText({ action: 'switch', status: 'refused', reason: 'lock-out' })).toBe(
      'Commutation : refusée (motif : lock-out)',
    );
  });

  it('never goes back from a final status', () => {
    const applied = { status: 'applied' as const, reason: null };
    expect(advance(applied, { status: 'sent' })).toBe(applied);
    expect(advance({ status: 'queued' as const, reason: null }, { status: 'expired', reason: 'too late' })).toEqual({
      status: 'expired',
      reason: 'too late',
    });
    expect(['queued', 'sent', 'applied', 'refused', 'failed', 'expired'].filter((s) => isFinal(s as never))).toEqual([
      'applied',
      'refused',
      'failed',
      'expired',
    ]);
  });
});
