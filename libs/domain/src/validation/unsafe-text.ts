import type { DocumentProblem } from './document.exception';

/**
 * Characters no text field of Beffroi may hold: C0 controls but tab, line feed and carriage return (NUL, the ESC of
 * ANSI sequences…), DEL, C1 controls, and the bidirectional overrides and isolates that make text read otherwise than
 * it is stored (U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

function describe(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Every string (and object key) of a parsed JSON value that holds a control or bidirectional-override character,
 * with its path (`schedule.name`, `items[2].note`) and the character named by its code point — never echoed.
 */
export function unsafeTextProblems(value: unknown, path = ''): DocumentProblem[] {
  if (typeof value === 'string') {
    const found = UNSAFE.exec(value);
    return found === null
      ? []
      : [
          {
            path,
            message: `text must not hold control or direction-override characters (found ${describe(found[0])})`,
          },
        ];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unsafeTextProblems(item, join(path, index)));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [
      // A bad key is named by its place, not repeated.
      ...unsafeTextProblems(key, join(path, '(key)')),
      ...unsafeTextProblems(item, join(path, key)),
    ]);
  }
  return [];
}
