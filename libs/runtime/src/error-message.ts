/**
 * What a caught value says, for a log line or an answer: an `Error`'s message, or the value itself as text (a library
 * may throw a string or a plain object, whose `.message` would read `undefined`).
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    const text = JSON.stringify(error) as string | undefined;
    return text ?? String(error);
  } catch {
    return String(error);
  }
}
