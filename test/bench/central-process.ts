import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadyMessage } from '@beffroi/runtime';
import { stringify } from 'yaml';

export const BENCH_PASSWORD = 'bench-password-1';

export interface CentralProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
}

/**
 * Central from dist/ in its own process, as it runs in production, on a config written to `dir`: one syndicate
 * (`useda`) with its admin (`admin@useda`, {@link BENCH_PASSWORD}), plus `extra` top-level keys.
 */
export async function startCentralProcess(dir: string, extra: Record<string, unknown> = {}): Promise<CentralProcess> {
  const config = join(dir, 'central.yaml');
  writeFileSync(
    config,
    stringify({
      demo: true,
      http: { port: 0 },
      storage: { path: join(dir, 'central.sqlite') },
      seed: {
        syndicates: [{ id: 'useda', name: 'USEDA' }],
        accounts: [
          { login: 'admin@useda', name: 'Admin', role: 'syndicate-admin', tenant: 'useda', password: BENCH_PASSWORD },
        ],
      },
      ...extra,
    }),
  );
  const child = fork(join(__dirname, '..', '..', 'apps', 'central', 'src', 'main.js'), ['--config', config], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once('message', (message: ReadyMessage) => resolve(message));
    child.once('exit', (code) => reject(new Error(`central exited with ${code ?? 'null'}`)));
  });
  return { child, url: `http://127.0.0.1:${ready.http.port}`, wsUrl: `ws://127.0.0.1:${ready.http.port}/api/sync` };
}
