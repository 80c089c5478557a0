/** A command-line mistake: printed on one line naming the argument, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** `--name value` pairs and bare `--flag`s; anything else, or a flag not in `allowed`, is a usage error. */
export function parseOptions(
  argv: readonly string[],
  allowed: readonly string[],
  flags: readonly string[] = [],
): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new CliUsageError(`unexpected argument "${arg}"`);
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (flags.includes(name)) {
      options.set(name, 'true');
      continue;
    }
    if (!allowed.includes(name)) {
      throw new CliUsageError(
        `unknown option --${name} (expected ${[...allowed, ...flags].map((a) => `--${a}`).join(', ')})`,
      );
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliUsageError(`--${name}: missing value`);
    options.set(name, value);
  }
  return options;
}

export function required(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (value === undefined) throw new CliUsageError(`--${name} is required`);
  return value;
}

export function numberOption(
  options: Map<string, string>,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const text = options.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new CliUsageError(`--${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new CliUsageError(`--${name}: expected a number ${min}..${max}, got "${text}"`);
  }
  return value;
}
