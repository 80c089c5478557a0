import { parseDocument as parseYamlDocument } from 'yaml';
import type { z } from 'zod';
import { DocumentException, DocumentExceptionCode, type DocumentProblem } from './document.exception';

type PathSegment = PropertyKey;

/** Renders a path the way a person reads it in a YAML file: `buses[0].equipment[2].unit`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`;
    const key = String(segment);
    return acc === '' ? key : `${acc}.${key}`;
  }, '');
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** A short, unambiguous rendering of the value a person wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function describeType(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    default:
      return `a ${expected}`;
  }
}

/** Turns zod issues into problems that name the path, what was expected and what was found. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown): DocumentProblem[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return { path: formatPath(issue.path), message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}` };
    }
    const found = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && found === undefined && !issue.message.startsWith('expected')) {
      return { path: formatPath(issue.path), message: `missing, expected ${describeType(issue.expected)}` };
    }
    const message = issue.message.startsWith('expected')
      ? `${issue.message}, got ${describeValue(found)}`
      : issue.message;
    return { path: formatPath(issue.path), message };
  });
}

/** Validates an already-parsed value against a schema; throws a {@link DocumentException} listing every problem. */
export function validateDocument<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new DocumentException(DocumentExceptionCode.Invalid, source, problemsFromIssues(result.error.issues, input));
  }
  return result.data;
}

/** Parses YAML text (from a file named `source`) and validates it against a schema. */
export function parseYaml<S extends z.ZodType>(schema: S, text: string, source: string): z.output<S> {
  const document = parseYamlDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const line = error.linePos?.[0];
      return { path: line ? `line ${line.line}, column ${line.col}` : '', message: error.message.split('\n')[0] ?? '' };
    });
    throw new DocumentException(DocumentExceptionCode.Syntax, source, problems);
  }
  return validateDocument(schema, document.toJS(), source);
}
