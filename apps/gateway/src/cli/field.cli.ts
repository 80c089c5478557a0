import { CliUsageError } from './cli-args';
import { type CliOutput, identifyCommand, scanCommand } from './scan.command';

/** The commands that talk to field equipment (asynchronous, with live progress on stderr). */
export const FIELD_COMMANDS = ['scan', 'identify'] as const;

export function isFieldCommand(command: string | undefined): boolean {
  return FIELD_COMMANDS.some((name) => name === command);
}

/**
 * Runs `beffroi scan` or `beffroi identify`; resolves with the exit code: 2 for a usage error, 1 when the bus or
 * endpoint cannot be reached (the reason on one line), 0 otherwise.
 */
export async function runFieldCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'identify') return await identifyCommand(rest, output);
    await scanCommand(rest, output);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      output.err(`beffroi ${command ?? ''}: ${error.message}`);
      return 2;
    }
    if (error instanceof Error) {
      output.err(`beffroi ${command ?? ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
