import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two connected pseudo-terminals from Debian's socat: a real serial line for tests. */
export interface PtyPair {
  /** The device side (the simulator opens it). */
  device: string;
  /** The master side (the client under test opens it). */
  master: string;
  close(): Promise<void>;
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'beffroi-pty-'));
  const device = join(dir, 'device');
  const master = join(dir, 'master');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${master}`], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const missing = new Promise<never>((_, reject) =>
    socat.once('error', (error) =>
      reject(new Error(`socat is needed for serial-line tests (Debian: apt-get install socat): ${error.message}`)),
    ),
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(device) && existsSync(master))) {
    if (Date.now() > deadline || socat.exitCode !== null) throw new Error('socat did not create the pty pair');
    await Promise.race([missing, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
  missing.catch(() => undefined);
  return {
    device,
    master,
    close: async () => {
      socat.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
