import { CliUsageError } from './cli-args';
import { type CliOutput, identifyCommand, scanCommand } from './scan.command';
import { testOutputsCommand, type TestOutputsIo } from './test-outputs.command';

/** The commands that talk to field equipment (asynchronous, with live progress on stderr). */
export const FIELD_COMMANDS = ['scan', 'identify', 'test-outputs'] as const;

export function isFieldCommand(command: string | undefined): boolean {
  return FIELD_COMMANDS.some((name) => name === command);
}

/**
 * Runs `beffroi scan`, `beffroi identify` or `beffroi test-outputs`; resolves with the exit code: 2 for a usage
 * error, 1 when the bus, endpoint or gateway cannot be reached (the reason on one line) or a test run did not pass,
 * 0 otherwise.
 */
export async function runFieldCli(
  argv: readonly string[],
  output: CliOutput & Partial<Pick<TestOutputsIo, 'ask' | 'env'>>,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'identify') return await identifyCommand(rest, output);
    if (command === 'test-outputs') {
      return await testOutputsCommand(rest, {
        ...output,
        ask: output.ask ?? (() => Promise.resolve(null)),
        env: output.env ?? {},
      });
    }
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
