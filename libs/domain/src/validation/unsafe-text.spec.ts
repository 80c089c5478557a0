import { unsafeTextProblems } from './unsafe-text';

describe('unsafeTextProblems', () => {
  it.each([
    ['NUL', 'Agent\u0000'],
    ['an ANSI escape', '\u001b[31mrouge'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a right-to-left override', 'facture\u202egpj.exe'],
    ['a directional isolate', 'x\u2066y'],
  ])('finds %s, naming the code point', (_what, text) => {
    const [problem] = unsafeTextProblems({ name: text });
    expect(problem).toMatchObject({ path: 'name', message: expect.stringMatching(/U\+[0-9A-F]{4}/) });
    expect(problem?.message).not.toContain(text);
  });

  it('lets ordinary text through: accents, tabs, new lines, emoji, right-to-left scripts', () => {
    expect(unsafeTextProblems({ name: 'Salle des fêtes\tÉté\r\n🔔 مرحبا', list: ['ok', 3, true, null] })).toEqual([]);
  });

  it('walks arrays and nested objects, keys included', () => {
    expect(unsafeTextProblems({ items: [{ note: 'ok' }, { note: 'a\u0007' }], ['k\u0000']: 1 })).toEqual([
      { path: 'items[1].note', message: expect.any(String) },
      { path: '(key)', message: expect.any(String) },
    ]);
  });
});
