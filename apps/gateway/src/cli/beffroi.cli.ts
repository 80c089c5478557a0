import { CliUsageError } from './cli-args';
import { schedulePreviewCommand } from './schedule-preview.command';
import { sunCommand } from './sun.command';

const USAGE = [
  'usage: beffroi sun --lat <deg> --lon <deg> --tz <IANA zone> --from <YYYY-MM-DD> [--days N] [--horizon usno|imcce] [--altitude m]',
  '       beffroi schedule preview --file <schedule.yaml> --site <lat,lon,tz[,altitude]> --from <YYYY-MM-DD> [--days N] [--kind lighting|bells|heating] [--horizon usno|imcce] [--school-holidays <file.json>] [--json]',
  '       beffroi scan rtu --port <serial device> [--baud 19200[,9600…]] [--parity even[,none,odd]] [--data-bits 8] [--stop-bits 1] [--units 1-247] [--timeout ms] [--stop-after N] [--profiles dir] [--json]',
  '       beffroi scan tcp --host <host> [--port 502] [--units 1-247] [--timeout ms] [--stop-after N] [--profiles dir] [--json]',
  '       beffroi scan opcua --endpoint <opc.tcp://…> [--depth 3] [--timeout ms] [--pki dir] [--profiles dir] [--json]',
  '       beffroi identify rtu|tcp --unit N <the scan options> | beffroi identify opcua --endpoint <opc.tcp://…>',
  '       beffroi test-outputs --equipment <id> | --all [--gateway https://<host>:8081] [--cacert local-api.crt] [--no-alarms] [--prompt-timeout s] [--json]',
].join('\n');

const COMMANDS = 'sun, schedule preview, scan, identify, test-outputs';

/** Runs one `beffroi` command; returns the exit code (2 for a usage error, printed on one line). */
export function runCli(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  const [command, ...rest] = argv;
  const name = command === 'schedule' && rest[0] === 'preview' ? 'schedule preview' : (command ?? '');
  try {
    switch (command) {
      case 'sun':
        sunCommand(rest, out);
        return 0;
      case 'schedule': {
        const [subcommand, ...options] = rest;
        if (subcommand !== 'preview') {
          throw new CliUsageError(`unknown command "schedule ${subcommand ?? ''}" (expected: ${COMMANDS})`);
        }
        schedulePreviewCommand(options, out);
        return 0;
      }
      case undefined:
      case '--help':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliUsageError(`unknown command "${command}" (expected: ${COMMANDS})`);
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      err(`beffroi ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
