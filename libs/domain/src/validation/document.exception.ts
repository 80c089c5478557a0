/** One problem found in a configuration document, located by a path such as `buses[0].equipment[2].unit`. */
export interface DocumentProblem {
  path: string;
  message: string;
}

export enum DocumentExceptionCode {
  Syntax = 'DOCUMENT_SYNTAX',
  Invalid = 'DOCUMENT_INVALID',
  Unreadable = 'DOCUMENT_UNREADABLE',
}

/** A configuration or profile document that cannot be used, with every problem found in it. */
export class DocumentException extends Error {
  constructor(
    readonly code: DocumentExceptionCode,
    readonly source: string,
    readonly problems: readonly DocumentProblem[],
  ) {
    super(
      `${source}: ${problems.length === 1 ? 'invalid' : `${problems.length} problems`}\n${renderProblems(problems)}`,
    );
    this.name = 'DocumentException';
  }
}

/** `  - path: message` lines, one per problem. */
export function renderProblems(problems: readonly DocumentProblem[]): string {
  return problems.map((p) => `  - ${p.path === '' ? '(document)' : p.path}: ${p.message}`).join('\n');
}
