import { runCli } from './beffroi.cli';

const lines: string[] = [];
const code = runCli(
  process.argv.slice(2),
  (line) => lines.push(line),
  (line) => process.stderr.write(`${line}\n`),
);
process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
process.exitCode = code;
