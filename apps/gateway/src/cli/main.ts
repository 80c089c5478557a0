import { createInterface } from 'node:readline/promises';
import { runCli } from './beffroi.cli';
import { isFieldCommand, runFieldCli } from './field.cli';

const argv = process.argv.slice(2);
const lines: string[] = [];
const out = (line: string) => lines.push(line);
const err = (line: string) => process.stderr.write(`${line}\n`);
const flush = (code: number) => {
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  process.exitCode = code;
};

if (isFieldCommand(argv[0])) {
  // Ctrl-C stops a scan early: what was found so far is still printed.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  // test-outputs asks the engineer at the terminal; without one (a pipe) each prompt is skipped.
  const ask = async (question: string): Promise<string | null> => {
    if (!process.stdin.isTTY) return null;
    const terminal = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await terminal.question(question);
    } finally {
      terminal.close();
    }
  };
  void runFieldCli(argv, { out, err, signal: stop.signal, ask, env: process.env }).then(flush);
} else {
  flush(runCli(argv, out, err));
}
