import { Injectable, Logger } from '@nestjs/common';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LoadedGatewayConfig } from '../gateway.config';

/**
 * The gateway's credential for central, in the file `central.credentialFile` (from the working directory, like
 * `storage.path`). Written once at enrolment, atomically (a temporary file renamed over it) and readable by the
 * gateway's user only (0600).
 */
@Injectable()
export class CredentialStore {
  private readonly logger = new Logger(CredentialStore.name);

  constructor(private readonly loaded: LoadedGatewayConfig) {}

  get path(): string {
    return resolve(this.loaded.config.central?.credentialFile ?? 'var/gateway-credential');
  }

  /** The credential, or undefined when the file does not exist (or is empty). Other read errors throw. */
  read(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if ((statSync(this.path).mode & 0o077) !== 0) {
      this.logger.warn(`${this.path} is readable by other users: chmod 600 it`);
    }
    const credential = text.trim();
    return credential === '' ? undefined : credential;
  }

  /** Writes the credential: folder created if needed, temporary file with mode 0600, synced, renamed over the file. */
  write(credential: string): void {
    const path = this.path;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${credential}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
}
