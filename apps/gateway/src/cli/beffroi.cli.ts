import { CliUsageError } from './cli-args';
import { sunCommand } from './sun.command';

const USAGE =
  'usage: beffroi sun --lat <deg> --lon <deg> --tz <IANA zone> --from <YYYY-MM-DD> [--days N] [--horizon usno|imcce] [--altitude m]';

/** Runs one `beffroi` command; returns the exit code (2 for a usage error, printed on one line). */
export function runCli(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'sun':
        sunCommand(rest, out);
        return 0;
      case undefined:
      case '--help':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliUsageError(`unknown command "${command}" (expected: sun)`);
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      err(`beffroi ${command ?? ''}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
