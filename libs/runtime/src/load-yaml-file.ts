import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { DocumentException, DocumentExceptionCode, type DocumentProblem, parseYaml } from '@beffroi/domain';
import { z } from 'zod';

/** Reads a YAML file and validates it; throws a DocumentException naming the file and every problem in it. */
export function loadYamlFile<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DocumentException(DocumentExceptionCode.Unreadable, path, [
      { path: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` },
    ]);
  }
  return parseYaml(schema, text, path);
}

/** Reads a YAML file as it is written, without validating it; throws a DocumentException if unreadable or not YAML. */
export function readYamlFile(path: string): unknown {
  return loadYamlFile(z.unknown(), path);
}

/** The value under `key` of a mapping read from YAML; undefined for anything else. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The problems of a DocumentException as part of the report on `mainFile`: problems of another file (a profile, a
 * schedule, a data file it names) get that file's path, relative to `mainFile`'s folder, in front of their own path
 * (`profiles/cloches.yaml: points[2].kind`), so one report can name problems in several files.
 */
export function problemsWithin(mainFile: string, error: DocumentException): DocumentProblem[] {
  if (error.source === mainFile) return [...error.problems];
  const file = relative(dirname(mainFile), error.source) || error.source;
  return error.problems.map((problem) => ({
    path: problem.path === '' ? file : `${file}: ${problem.path}`,
    message: problem.message,
  }));
}
