import { readFileSync } from 'node:fs';
import { DocumentException, DocumentExceptionCode, parseYaml } from '@beffroi/domain';
import type { z } from 'zod';

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
